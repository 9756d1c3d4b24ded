package health.circles;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;

/**
 * Tests of a capability call the API as an admin unless they say otherwise; the security package's tests, which are
 * about tokens and roles, start with no token at all.
 */
public class DefaultToken implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        String testPackage = context.getTestInstance().getClass().getPackageName();
        if (testPackage.startsWith("health.circles.security")) {
            RestAssured.requestSpecification = null;
        } else {
            RestAssured.requestSpecification = new RequestSpecBuilder()
                    .addHeader("Authorization", "Bearer " + TestTokens.token("admin"))
                    .build();
        }
    }
}
