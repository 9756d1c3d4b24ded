package health.circles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.http.Headers;
import io.restassured.specification.FilterableRequestSpecification;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which identity {@link TestIdentity} gives a test: the method's choice, else its class's, and never a default. */
class TestIdentityTest {

    @AsRole("outreach")
    static class OutreachTests {

        void byClass() {
        }

        @Anonymous
        void anonymousMethod() {
        }

        @AsRole("analyst")
        void analystMethod() {
        }
    }

    static class UndecidedTests {

        void undecided() {
        }

        @AsRole("admin")
        void decided() {
        }
    }

    @Anonymous
    static class ContradictoryTests {

        @AsRole("admin")
        @Anonymous
        void both() {
        }
    }

    @AfterEach
    void reset() {
        RestAssured.replaceFiltersWith(List.of());
    }

    @Test
    void theClassChoiceHoldsForEachOfItsTests() throws Exception {
        apply(new OutreachTests(), "byClass");
        assertEquals(List.of("outreach"), roles());
    }

    @Test
    void theMethodChoiceWinsOverTheClass() throws Exception {
        apply(new OutreachTests(), "anonymousMethod");
        assertEquals(List.of(), RestAssured.filters());
        apply(new OutreachTests(), "analystMethod");
        assertEquals(List.of("analyst"), roles());
    }

    @Test
    void aTestThatChoosesNothingFailsLoudly() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> apply(new UndecidedTests(), "undecided"));
        assertTrue(e.getMessage().contains("chooses no identity"), e.getMessage());
        apply(new UndecidedTests(), "decided");
        assertEquals(List.of("admin"), roles());
    }

    @Test
    void bothChoicesOnOneElementFailLoudly() {
        assertThrows(IllegalStateException.class, () -> apply(new ContradictoryTests(), "both"));
    }

    @Test
    void aRequestThatSendsItsOwnTokenKeepsIt() throws Exception {
        apply(new OutreachTests(), "byClass");
        assertEquals(List.of(), sentAuthorization(new Headers(new io.restassured.http.Header("Authorization", "x"))));
    }

    private static void apply(Object test, String method) throws ReflectiveOperationException {
        Method m = test.getClass().getDeclaredMethod(method);
        new TestIdentity().beforeEach(new QuarkusTestMethodContext(test, List.of(), m, null));
    }

    /** The roles of the token the installed filter puts on a request that has none. */
    private static List<String> roles() {
        List<String> sent = sentAuthorization(new Headers());
        assertEquals(1, sent.size(), "one Authorization header");
        String jwt = sent.get(0).substring("Bearer ".length());
        String claims = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        List<String> roles = new ArrayList<>();
        for (String role : List.of("admin", "analyst", "outreach", "clinician", "integration")) {
            if (claims.contains("\"test-" + role + "\"")) {
                roles.add(role);
            }
        }
        return roles;
    }

    /** The Authorization headers the installed filters add to a request that already carries {@code headers}. */
    private static List<String> sentAuthorization(Headers headers) {
        List<String> added = new ArrayList<>();
        FilterableRequestSpecification request = (FilterableRequestSpecification) Proxy.newProxyInstance(
                TestIdentityTest.class.getClassLoader(), new Class<?>[] {FilterableRequestSpecification.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaders" -> headers;
                    case "header" -> {
                        added.add((String) args[1]);
                        yield proxy;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        FilterContext context = (FilterContext) Proxy.newProxyInstance(TestIdentityTest.class.getClassLoader(),
                new Class<?>[] {FilterContext.class}, (proxy, method, args) -> null);
        for (Filter filter : RestAssured.filters()) {
            filter.filter(request, null, context);
        }
        return added;
    }
}
