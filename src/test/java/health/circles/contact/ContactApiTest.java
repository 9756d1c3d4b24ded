package health.circles.contact;

import static health.circles.TestTokens.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ContactApiTest {

    @Test
    void createdContactCanBeReadBack() {
        String location = as("admin").contentType(ContentType.JSON)
                .body("""
                        {"kind":"PATIENT","givenName":"John","familyName":"Smith","email":"john@example.org"}""")
                .when().post("/api/v1/contacts")
                .then().statusCode(201)
                .header("ETag", notNullValue())
                .extract().header("Location");
        as("admin").when().get(location)
                .then().statusCode(200)
                .body("displayName", equalTo("John Smith"))
                .body("consent.EMAIL.status", equalTo("UNKNOWN"));
    }
}
