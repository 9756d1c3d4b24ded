package health.circles.web;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method whose answers may come from a cache of values: when the value returned is one a cache
 * offered for this call ({@link ReusableBodies#offer}), its JSON is written once and the same bytes are sent again for
 * every later call that is answered with that very value ({@link ReusableBodyInterceptor}).
 */
@NameBinding
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface ReusableBody {
}
