package health.circles;

import static health.circles.TestTokens.as;

import io.restassured.http.ContentType;
import java.util.UUID;

/** Small factories that create test records over HTTP as an administrator. */
public final class Factories {

    private Factories() {
    }

    /** A patient with an email and phone, consent to email only, and a postal address without consent to mail. */
    public static UUID patient(String given, String family) {
        return contact("""
                {"kind":"PATIENT","givenName":"%s","familyName":"%s","email":"%s@example.org","phone":"+1 555 010 2030",
                 "postalCode":"90210","city":"Riverside","externalId":"mrn-%s",
                 "consent":{"EMAIL":{"status":"GRANTED"},"MAIL":{"status":"DENIED"}}}"""
                .formatted(given, family, given.toLowerCase(), UUID.randomUUID()));
    }

    public static UUID physician(String given, String family) {
        return contact("""
                {"kind":"PHYSICIAN","givenName":"%s","familyName":"%s","email":"dr.%s@example.org"}"""
                .formatted(given, family, family.toLowerCase()));
    }

    public static UUID contact(String json) {
        String id = as("admin").contentType(ContentType.JSON).body(json)
                .when().post("/api/v1/contacts")
                .then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    public static UUID tie(UUID from, UUID to, String type, String notes) {
        String id = as("admin").contentType(ContentType.JSON)
                .body("""
                        {"from":"%s","to":"%s","type":"%s","notes":%s}"""
                        .formatted(from, to, type, notes == null ? "null" : "\"" + notes + "\""))
                .when().post("/api/v1/ties")
                .then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }
}
