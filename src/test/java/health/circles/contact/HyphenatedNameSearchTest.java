package health.circles.contact;

import static health.circles.Fixtures.contact;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class HyphenatedNameSearchTest {

    private static String createPatient(String given, String family) {
        String location = contact().patient().named(given, family).tags("food-insecurity").create().location();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static io.restassured.response.ValidatableResponse search(String q) {
        return given().queryParam("q", q).queryParam("limit", 200)
                .when().get("/api/v1/contacts")
                .then().statusCode(200);
    }

    @Test
    void doubleBarrelledNameIsFoundWholeByEachPartAndWithATypo() {
        String given = "Zelda" + UUID.randomUUID().toString().substring(0, 4).replaceAll("[0-9]", "x");
        String id = createPatient(given, "Quillfeather-Marchbanks");

        search(given + " Quillfeather-Marchbanks").body("items.id", hasItem(id));
        search(given + " Marchbanks").body("items.id", hasItem(id));
        search("Quillfeather " + given).body("items.id", hasItem(id));
        search(given + " Marchbnaks").body("items.id", hasItem(id));
    }

    @Test
    void hyphenatedTagIsFoundByItsWords() {
        String given = "Yorick" + UUID.randomUUID().toString().substring(0, 4).replaceAll("[0-9]", "y");
        String id = createPatient(given, "Abernathy");

        search(given + " food insecurity").body("items.id", hasItem(id));
        search(given + " food-insecurity").body("items.id", hasItem(id));
        search(given + " housing").body("items.id", not(hasItem(id)));
    }
}
