package health.circles.contact;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `updatedSince` on the contact and tie lists: what changed at or after an instant, for a client's incremental sync. */
@QuarkusTest
@AsRole("admin")
class UpdatedSinceTest {

    @Test
    void contactsAndTiesChangedSinceAnInstant() {
        Fixtures.Created older = Fixtures.contact().patient().create();
        Fixtures.Created newer = Fixtures.contact().patient().create();
        String since = given().get("/api/v1/contacts/" + newer.id()).then().statusCode(200)
                .extract().path("updatedAt");

        List<String> changed = given().queryParam("updatedSince", since).queryParam("limit", 200)
                .get("/api/v1/contacts").then().statusCode(200).extract().path("items.id");
        assertTrue(changed.contains(newer.id()), "the contact changed at that instant");
        assertFalse(changed.contains(older.id()), "not one changed before it");

        Fixtures.Created tie = Fixtures.tie(older.id(), newer.id()).type("FRIEND_OF").create();
        String tieSince = given().get("/api/v1/ties/" + tie.id()).then().statusCode(200).extract().path("updatedAt");
        List<String> ties = given().queryParam("updatedSince", tieSince).queryParam("limit", 200)
                .get("/api/v1/ties").then().statusCode(200).extract().path("items.id");
        assertTrue(ties.contains(tie.id()));
        List<String> later = given().queryParam("updatedSince", "2199-01-01T00:00:00Z")
                .get("/api/v1/ties").then().statusCode(200).extract().path("items.id");
        assertTrue(later.isEmpty(), "nothing changes in the future");
    }

    @Test
    void anInstantThatIsNotOneIsA400NamingTheParameter() {
        given().queryParam("updatedSince", "yesterday").get("/api/v1/contacts")
                .then().statusCode(400).body("type", endsWith("/validation"))
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("updatedSince"));
        given().queryParam("updatedSince", "+99999-01-01T00:00:00Z").get("/api/v1/ties")
                .then().statusCode(400).body("errors[0].field", org.hamcrest.Matchers.equalTo("updatedSince"));
    }
}
