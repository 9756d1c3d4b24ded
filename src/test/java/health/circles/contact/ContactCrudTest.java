package health.circles.contact;

import static health.circles.Fixtures.contact;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@AsRole("admin")
class ContactCrudTest {

    @Test
    void createAnswers201WithLocationAndETagOfTheFirstVersion() {
        Response created = contact().patient().named("John", "Smith").email("john@example.org").post()
                .then().statusCode(201)
                .contentType(ContentType.JSON)
                .header("ETag", equalTo("\"0\""))
                .body("id", notNullValue())
                .body("displayName", equalTo("John Smith"))
                .body("version", equalTo(0))
                .extract().response();
        String id = created.path("id");
        String location = created.header("Location");
        org.hamcrest.MatcherAssert.assertThat(location, endsWith("/api/v1/contacts/" + id));

        given().when().get(location)
                .then().statusCode(200)
                .header("ETag", equalTo("\"0\""))
                .body("id", equalTo(id))
                .body("email", equalTo("john@example.org"))
                .body("consent.EMAIL.status", equalTo("UNKNOWN"))
                .body("consent.SMS.status", equalTo("UNKNOWN"));
    }

    @Test
    void organisationIsShownByItsOrganisationName() {
        String id = contact().organization("  Eastside Community Clinic ").create().id();
        given().when().get("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .body("kind", equalTo("ORGANIZATION"))
                .body("displayName", equalTo("Eastside Community Clinic"));
    }

    @Test
    void putReplacesEveryWritableFieldAndBumpsTheVersion() {
        String id = contact().patient().named("Ana", "Lopez").email("ana@example.org").city("Harbor").create().id();

        Map<String, Object> replacement = contact().caregiver().named("Ana", "López Ruiz")
                .tags("Caregiver-Support", "seniors").body();
        given().contentType(ContentType.JSON).header("If-Match", "\"0\"").body(replacement)
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .header("ETag", equalTo("\"1\""))
                .body("kind", equalTo("CAREGIVER"))
                .body("displayName", equalTo("Ana López Ruiz"))
                .body("email", nullValue())
                .body("city", nullValue())
                .body("tags", containsInAnyOrder("caregiver-support", "seniors"))
                .body("version", equalTo(1));
        given().when().get("/api/v1/contacts/{id}", id)
                .then().statusCode(200).header("ETag", equalTo("\"1\"")).body("email", nullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/merge-patch+json", "application/json"})
    void mergePatchChangesNamedFieldsAndNullRemovesOne(String mediaType) {
        String id = contact().patient().named("Grace", "Okafor").email("grace@example.org").city("Riverside")
                .languages("en", "yo").create().id();

        given().contentType(mediaType).header("If-Match", "\"0\"").body("""
                        {"city": null, "phone": "+1 555 010 2030", "languages": ["en"]}""")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .header("ETag", equalTo("\"1\""))
                .body("city", nullValue())
                .body("phone", equalTo("+1 555 010 2030"))
                .body("email", equalTo("grace@example.org"))
                .body("givenName", equalTo("Grace"))
                .body("languages", equalTo(List.of("en")));
        given().when().get("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .body("city", nullValue())
                .body("phone", equalTo("+1 555 010 2030"));
    }

    @Test
    void patchedConsentKeepsItsTimeUnlessTheAnswerChanges() {
        String id = contact().patient().named("Mei", "Chen")
                .consent("EMAIL", Map.of("status", "GRANTED", "at", "2024-01-02T03:04:05Z", "source", "intake-form"))
                .create().id();

        given().contentType("application/merge-patch+json").header("If-Match", "\"0\"").body("""
                        {"city": "Eastside"}""")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .body("consent.EMAIL.status", equalTo("GRANTED"))
                .body("consent.EMAIL.at", equalTo("2024-01-02T03:04:05Z"))
                .body("consent.EMAIL.source", equalTo("intake-form"));

        String at = given().contentType("application/merge-patch+json").header("If-Match", "\"1\"").body("""
                        {"consent": {"EMAIL": {"status": "DENIED"}, "SMS": {"status": "GRANTED", "source": "phone-call"}}}""")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .body("consent.EMAIL.status", equalTo("DENIED"))
                .body("consent.EMAIL.source", nullValue()) // a new answer: the earlier answer's source is not its own
                .body("consent.SMS.status", equalTo("GRANTED"))
                .body("consent.SMS.source", equalTo("phone-call"))
                .extract().path("consent.EMAIL.at");
        assertNotEquals("2024-01-02T03:04:05Z", at, "a changed answer is recorded with the time of the change");

        given().contentType("application/merge-patch+json").header("If-Match", "\"2\"").body("""
                        {"consent": {"SMS": null}}""")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(200)
                .body("consent.SMS.status", equalTo("UNKNOWN"))
                .body("consent.SMS.at", notNullValue()) // when it was withdrawn
                .body("consent.EMAIL.status", equalTo("DENIED"));
    }

    @Test
    void deleteAnswers204AndTheContactIsGoneAfterwards() {
        String id = contact().patient().named("Omar", "Haddad").create().id();
        given().header("If-Match", "\"0\"").when().delete("/api/v1/contacts/{id}", id)
                .then().statusCode(204);
        given().when().get("/api/v1/contacts/{id}", id)
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", endsWith("/not-found"))
                .body("status", equalTo(404));
        given().header("If-Match", "\"0\"").when().delete("/api/v1/contacts/{id}", id)
                .then().statusCode(404);
        given().contentType(ContentType.JSON).header("If-Match", "\"0\"")
                .body(contact().patient().named("Omar", "Haddad").body())
                .when().put("/api/v1/contacts/{id}", id)
                .then().statusCode(404);
    }

    /** The opt-out lives on the record: a plain delete would lose it, and the person created again be reachable. */
    @Test
    void aDoNotContactRecordIsNotDeletedButMayBeErased() {
        String id = contact().patient().named("Dora", "Nocontact").doNotContact(true).create().id();
        given().header("If-Match", "\"0\"").when().delete("/api/v1/contacts/{id}", id)
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", endsWith("/opt-out-would-be-lost"));
        given().when().get("/api/v1/contacts/{id}", id).then().statusCode(200).body("doNotContact", equalTo(true));
        given().when().post("/api/v1/contacts/{id}/erasure", id).then().statusCode(204);
    }

    @Test
    void everyWriteAnswersWithTheETagOfTheVersionItWrote() {
        String id = contact().patient().named("Kwame", "Mensah").create().id();
        String etag = given().contentType("application/merge-patch+json").header("If-Match", "\"0\"")
                .body("{\"city\":\"Northgate\"}")
                .when().patch("/api/v1/contacts/{id}", id)
                .then().statusCode(200).extract().header("ETag");
        String read = given().when().get("/api/v1/contacts/{id}", id)
                .then().statusCode(200).header("ETag", not(equalTo("\"0\""))).extract().header("ETag");
        assertEquals(etag, read);
    }
}
