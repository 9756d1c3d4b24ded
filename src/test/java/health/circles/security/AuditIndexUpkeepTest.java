package health.circles.security;

import static health.circles.TestTokens.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.Anonymous;
import health.circles.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audit indexes' pending entries are moved in by the service's own role (which owns no index), and a search of
 * the trail by contact finds the rows whether their entries wait in the pending list or have been moved.
 */
@QuarkusTest
@Anonymous
class AuditIndexUpkeepTest {

    private static final int CONTACTS = 30;
    private static final int LISTINGS = 15;

    @Inject
    AuditIndexUpkeep upkeep;

    @Test
    void pendingEntriesAreMovedInAndTheTrailStillFindsEveryRow() {
        String tag = Fixtures.uniqueTag();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CONTACTS; i++) {
            ids.add(Fixtures.contact().patient().tags(tag).create().id());
        }
        String last = ids.get(CONTACTS - 1);
        long moved = 0;
        for (int round = 0; round < 3 && moved == 0; round++) { // autovacuum, where it runs, may move them first
            for (int i = 0; i < LISTINGS; i++) {
                as("admin").queryParam("tag", tag).queryParam("limit", CONTACTS).when().get("/api/v1/contacts")
                        .then().statusCode(200).body("items.size()", equalTo(CONTACTS));
            }
            int waiting = listingsOf(last);
            assertTrue(waiting >= LISTINGS, "found while pending: " + waiting);
            moved = upkeep.clean();
            assertEquals(waiting, listingsOf(last), "found the same once moved in");
        }
        assertTrue(moved > 0, "pending pages moved in: " + moved);
        as("admin").when().get("/api/v1/audit/verification").then().statusCode(200).body("intact", equalTo(true));
    }

    /** The listing rows that showed the contact, by the contacts index. */
    private static int listingsOf(String contact) {
        return as("admin").queryParam("contact", contact).queryParam("action", "list").queryParam("limit", 500)
                .when().get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("items").size();
    }
}
