package health.circles.contact;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Builds contact bodies and creates contacts over the API, for tests of any package. */
public final class NewContacts {

    private NewContacts() {
    }

    public static Map<String, Object> person(String kind, String givenName, String familyName) {
        Map<String, Object> body = new HashMap<>();
        body.put("kind", kind);
        body.put("givenName", givenName);
        body.put("familyName", familyName);
        return body;
    }

    public static Map<String, Object> patient(String givenName, String familyName) {
        return person("PATIENT", givenName, familyName);
    }

    public static Map<String, Object> organisation(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("kind", "ORGANIZATION");
        body.put("organizationName", name);
        return body;
    }

    /** A tag no other test uses, to find exactly the contacts a test made. */
    public static String uniqueTag() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        body.put(field, value);
        return body;
    }

    /** Creates the contact and returns its id. */
    public static String create(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/contacts")
                .then().statusCode(201)
                .extract().path("id");
    }
}
