package health.circles.security;

import static health.circles.Fixtures.contact;
import static health.circles.Fixtures.tie;
import static health.circles.TestTokens.as;
import static health.circles.TestTokens.asClinician;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.Anonymous;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Minimum necessary, per role and per relationship. */
@QuarkusTest
@Anonymous
class DisclosureApiTest {

    @Test
    void outreachAndAnalystSeeOnlyConsentedChannelsAndNoExternalId() {
        UUID patient = contact().patient().named("Olga", "Consentia").fullRecord().create().uuid();
        for (String role : new String[] {"outreach", "analyst"}) {
            as(role).when().get("/api/v1/contacts/" + patient)
                    .then().statusCode(200)
                    .body("displayName", equalTo("Olga Consentia"))
                    .body("email", equalTo("olga@example.org"))  // EMAIL granted
                    .body("phone", nullValue())                  // neither PHONE nor SMS granted
                    .body("postalCode", nullValue())             // MAIL denied
                    .body("city", nullValue())
                    .body("externalId", nullValue())
                    .body("consent.EMAIL.status", equalTo("GRANTED"));
        }
    }

    @Test
    void doNotContactHidesEveryChannelFromOutreach() {
        UUID id = contact().caregiver().named("Dora", "Quiet").email("dora@example.org").doNotContact(true)
                .consent("EMAIL", "GRANTED").create().uuid();
        as("outreach").when().get("/api/v1/contacts/" + id)
                .then().statusCode(200).body("email", nullValue()).body("doNotContact", equalTo(true));
    }

    @Test
    void adminAndIntegrationSeeWholeRecords() {
        UUID patient = contact().patient().named("Walter", "Whole").fullRecord().create().uuid();
        for (String role : new String[] {"admin", "integration"}) {
            as(role).when().get("/api/v1/contacts/" + patient)
                    .then().statusCode(200)
                    .body("phone", notNullValue()).body("postalCode", equalTo("90210"))
                    .body("externalId", notNullValue());
        }
    }

    @Test
    void clinicianSeesOwnPatientWholeAndOthersLimited() {
        UUID doctor = contact().physician().named("Hana", "Healer").fullRecord().create().uuid();
        UUID mine = contact().patient().named("Mina", "Mine").fullRecord().create().uuid();
        UUID other = contact().patient().named("Otto", "Other").fullRecord().create().uuid();
        tie(doctor, mine).type("TREATS").create();
        asClinician("dr-healer", doctor).when().get("/api/v1/contacts/" + mine)
                .then().statusCode(200).body("phone", notNullValue()).body("externalId", notNullValue());
        asClinician("dr-healer", doctor).when().get("/api/v1/contacts/" + other)
                .then().statusCode(200).body("phone", nullValue()).body("externalId", nullValue());
    }

    @Test
    void clinicianWithoutContactClaimSeesEveryoneLimited() {
        UUID patient = contact().patient().named("Nadia", "Noclaim").fullRecord().create().uuid();
        as("clinician").when().get("/api/v1/contacts/" + patient)
                .then().statusCode(200).body("phone", nullValue());
    }

    @Test
    void searchListingsAreFilteredTheSameWay() {
        String tag = "disc" + UUID.randomUUID().toString().substring(0, 8);
        contact().patient().named("Lisa", "Listed").phone("+1 555 010 9999").tags(tag).create();
        as("outreach").when().get("/api/v1/contacts?tag=" + tag)
                .then().statusCode(200).body("items[0].displayName", equalTo("Lisa Listed"))
                .body("items[0].phone", nullValue());
        as("admin").when().get("/api/v1/contacts?tag=" + tag)
                .then().statusCode(200).body("items[0].phone", equalTo("+1 555 010 9999"));
    }

    @Test
    void anExternalIdFindsAContactOnlyForThoseWhoSeeItWhole() {
        String mrn = "mrn-" + UUID.randomUUID();
        UUID doctor = contact().physician().named("Edda", "Lookup").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Ezra", "Lookup").externalId(mrn).create().uuid();
        for (String role : new String[] {"outreach", "analyst"}) {
            as(role).queryParam("externalId", mrn).when().get("/api/v1/contacts")
                    .then().statusCode(200).body("items", hasSize(0));
        }
        asClinician("dr-lookup", doctor).queryParam("externalId", mrn).when().get("/api/v1/contacts")
                .then().statusCode(200).body("items", hasSize(0));
        // Nor does a clinician's refused creation say whose the number is.
        asClinician("dr-lookup", doctor).contentType(ContentType.JSON)
                .body(Map.of("kind", "PATIENT", "familyName", "Probe", "externalId", mrn))
                .when().post("/api/v1/contacts").then().statusCode(409)
                .body("type", equalTo("https://circles.health/problems/duplicate-external-id"))
                .body("detail", not(containsString(patient.toString())))
                .body("errors[0].reason", equalTo("held by another contact"));
        tie(doctor, patient).type("TREATS").create();
        asClinician("dr-lookup", doctor).queryParam("externalId", mrn).when().get("/api/v1/contacts")
                .then().statusCode(200).body("items.id", equalTo(List.of(patient.toString())));
        as("admin").queryParam("externalId", mrn).when().get("/api/v1/contacts")
                .then().statusCode(200).body("items.id", equalTo(List.of(patient.toString())));
    }

    @Test
    void aPostalCodeFilterMatchesOnlyWhereTheLimitedViewShowsTheCode() {
        String code = "Z" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        UUID mailable = contact().patient().named("Mara", "Mailable").postalCode(code).consent("MAIL", "GRANTED")
                .create().uuid();
        contact().patient().named("Nils", "Nomail").postalCode(code).consent("MAIL", "DENIED").create();
        contact().patient().named("Una", "Unasked").postalCode(code).create();
        contact().patient().named("Dag", "Donot").postalCode(code).consent("MAIL", "GRANTED").doNotContact(true)
                .create();
        for (String role : new String[] {"outreach", "analyst", "clinician"}) {
            as(role).queryParam("postalCode", code).when().get("/api/v1/contacts")
                    .then().statusCode(200).body("items.id", equalTo(List.of(mailable.toString())))
                    .body("items[0].postalCode", equalTo(code));
        }
        as("admin").queryParam("postalCode", code).when().get("/api/v1/contacts")
                .then().statusCode(200).body("items", hasSize(4));
    }

    @Test
    void tieNotesAreClinicalAndShownOnlyToWholeRecordViewers() {
        UUID doctor = contact().physician().named("Ines", "Notes").fullRecord().create().uuid();
        UUID patient = contact().patient().named("Pia", "Noted").fullRecord().create().uuid();
        UUID tie = tie(doctor, patient).type("TREATS").notes("HbA1c 9.1, insulin started").create().uuid();
        as("outreach").when().get("/api/v1/ties/" + tie).then().statusCode(200).body("notes", nullValue());
        as("analyst").when().get("/api/v1/contacts/" + patient + "/ties")
                .then().statusCode(200).body("items[0].notes", nullValue());
        asClinician("dr-notes", doctor).when().get("/api/v1/ties/" + tie)
                .then().statusCode(200).body("notes", equalTo("HbA1c 9.1, insulin started"));
        as("admin").when().get("/api/v1/ties/" + tie)
                .then().statusCode(200).body("notes", equalTo("HbA1c 9.1, insulin started"));
    }

    @Test
    void clinicianChangingSomeoneElsesPatientGetsTheAnswerOfAnUnknownId() {
        UUID doctor = contact().physician().named("Kai", "Careful").fullRecord().create().uuid();
        UUID notMine = contact().patient().named("Uma", "Untreated").fullRecord().create().uuid();
        String body = """
                {"kind":"PATIENT","givenName":"Uma","familyName":"Changed"}""";
        Response forbidden = asClinician("dr-careful", doctor).contentType("application/json").header("If-Match", "\"0\"").body(body)
                .when().put("/api/v1/contacts/" + notMine);
        UUID random = UUID.randomUUID();
        Response unknown = asClinician("dr-careful", doctor).contentType("application/json").header("If-Match", "\"0\"").body(body)
                .when().put("/api/v1/contacts/" + random);
        forbidden.then().statusCode(404).contentType("application/problem+json");
        unknown.then().statusCode(404).contentType("application/problem+json");
        assertEquals(unknown.jsonPath().getString("type"), forbidden.jsonPath().getString("type"));
        assertEquals(unknown.jsonPath().getString("title"), forbidden.jsonPath().getString("title"));
        assertEquals(unknown.jsonPath().getString("detail").replace(random.toString(), "ID"),
                forbidden.jsonPath().getString("detail").replace(notMine.toString(), "ID"));
        asClinician("dr-careful", doctor).contentType("application/merge-patch+json").header("If-Match", "\"0\"").body("{\"city\":\"X\"}")
                .when().patch("/api/v1/contacts/" + notMine).then().statusCode(404);
        as("admin").when().get("/api/v1/contacts/" + notMine).then().body("familyName", equalTo("Untreated"));
    }

    @Test
    void clinicianChangesOwnPatient() {
        UUID doctor = contact().physician().named("Lea", "Loyal").fullRecord().create().uuid();
        UUID mine = contact().patient().named("Max", "Mended").fullRecord().create().uuid();
        tie(doctor, mine).type("TREATS").create();
        asClinician("dr-loyal", doctor).contentType("application/merge-patch+json").header("If-Match", "\"0\"").body("{\"city\":\"Harbor\"}")
                .when().patch("/api/v1/contacts/" + mine)
                .then().statusCode(200).body("city", equalTo("Harbor"));
        as("admin").when().get("/api/v1/contacts?q=Mended").then().body("items.city", hasItem("Harbor"));
    }
}
