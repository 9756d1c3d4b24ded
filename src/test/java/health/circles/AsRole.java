package health.circles;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The identity a test calls the API with: every REST Assured request that sends no Authorization header of its own
 * carries a token of this role (subject {@code test-<role>}). On a test class it holds for each of its tests; on a test
 * method it wins over the class. {@link TestIdentity} applies it before each test.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface AsRole {

    /** The role, e.g. {@code admin}, {@code outreach}, {@code clinician}. */
    String value();
}
