package health.circles;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.util.List;

/**
 * Tests of a capability call the API as an admin unless they send a token of their own; the security package's
 * tests, which are about tokens and roles, start with no token at all.
 */
public class DefaultToken implements QuarkusTestBeforeEachCallback {

    private static final Filter ADMIN = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", "Bearer " + TestTokens.token("admin"));
        }
        return context.next(request, response);
    };

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        String testPackage = context.getTestInstance().getClass().getPackageName();
        RestAssured.replaceFiltersWith(testPackage.startsWith("health.circles.security") ? List.of() : List.of(ADMIN));
    }
}
