package health.circles.web;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a creating POST that honours an {@code Idempotency-Key} header (IETF draft httpapi-idempotency-key): a retry
 * with the same key, caller, method, path and body within 24 hours gets the first answer again and creates nothing.
 * The filter that does it lives in {@code health.circles.idempotency}; web only declares the mark, so capabilities can
 * carry it without depending on that package.
 */
@NameBinding
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface Idempotent {
}
