package health.circles;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test calls the API with no token at all unless a request sends one of its own (tests of authentication, roles
 * and disclosure, which choose the token of each request). On a test class it holds for each of its tests; on a test
 * method it wins over the class. {@link TestIdentity} applies it before each test.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Anonymous {
}
