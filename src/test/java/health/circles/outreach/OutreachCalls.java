package health.circles.outreach;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.uniqueTag;
import static io.restassured.RestAssured.given;

import health.circles.Fixtures;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.Map;

/** The contacts and API calls the segment and campaign tests share. */
final class OutreachCalls {

    private OutreachCalls() {
    }

    /** A contact of {@code kind} with {@code tag} and an e-mail address, who granted EMAIL. */
    static String granted(String kind, String tag) {
        return person(kind, tag, "GRANTED", false);
    }

    /**
     * A contact of {@code kind} with {@code tag} and an e-mail address; {@code email} is its EMAIL consent (null: never
     * answered).
     */
    static String person(String kind, String tag, String email, boolean doNotContact) {
        Fixtures.ContactFixture person = contact().kind(kind).email("out-" + uniqueTag() + "@example.org").tags(tag)
                .doNotContact(doNotContact);
        return (email == null ? person.consent(Map.of()) : person.consent("EMAIL", email, "test")).create().id();
    }

    static JsonPath members(String segment, String channel) {
        return given().queryParam("channel", channel).queryParam("limit", 200)
                .when().get("/api/v1/segments/" + segment + "/members")
                .then().statusCode(200).extract().jsonPath();
    }

    static Response outcome(String campaign, String contact, String outcome, String via) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("contactId", contact, "outcome", outcome, "via", via))
                .when().post("/api/v1/campaigns/" + campaign + "/outcomes");
    }
}
