package health.circles;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Before each Quarkus test, gives REST Assured the identity the test chose: {@link AsRole} (a token of that role on
 * every request that sends none of its own) or {@link Anonymous} (no token). The test method's annotation wins over
 * its class's, and a class's over the classes it is nested in. A test that chose neither fails at once: which
 * identity a test has never depends on where it lives. Registered in
 * META-INF/services/io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback.
 */
public class TestIdentity implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        Class<?> testClass = context.getTestInstance().getClass();
        Method method = context.getTestMethod();
        String choice = choice(method);
        for (Class<?> c = testClass; choice == null && c != null; c = c.getEnclosingClass()) {
            choice = choice(c);
        }
        if (choice == null) {
            throw new IllegalStateException(testClass.getName() + (method == null ? "" : "." + method.getName())
                    + " chooses no identity: annotate the test class or method with @" + AsRole.class.getSimpleName()
                    + "(\"role\") or @" + Anonymous.class.getSimpleName());
        }
        RestAssured.replaceFiltersWith(choice.isEmpty() ? List.of() : List.of(token(choice)));
    }

    /** The role chosen on {@code element}, "" for anonymous, or null when it chooses nothing. */
    private static String choice(AnnotatedElement element) {
        if (element == null) {
            return null;
        }
        AsRole role = element.getAnnotation(AsRole.class);
        boolean anonymous = element.isAnnotationPresent(Anonymous.class);
        if (role != null && anonymous) {
            throw new IllegalStateException(element + " is annotated both @AsRole and @Anonymous");
        }
        if (role != null && role.value().isBlank()) {
            throw new IllegalStateException(element + " names no role in @AsRole");
        }
        return anonymous ? "" : role == null ? null : role.value();
    }

    /** Signs a fresh token for each request, as a caller would. */
    private static Filter token(String role) {
        return (request, response, context) -> {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", "Bearer " + TestTokens.token(role));
            }
            return context.next(request, response);
        };
    }
}
