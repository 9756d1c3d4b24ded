package health.circles.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how often one subject may call an expensive endpoint: {@code permits} calls per {@code per} (ISO-8601
 * duration), shared by every method with the same {@code name}. Over the limit the answer is 429 problem+json with
 * Retry-After. {@code circles.security.rate-limits.<name>.permits|period} override the numbers per deployment, and
 * {@code circles.security.rate-limits.<name>.subjects.<subject>.permits|period} for one subject.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimited {

    String name();

    int permits();

    /** ISO-8601 duration, e.g. {@code PT1M}. */
    String per();

    /**
     * A query parameter that makes a call count: when named, only calls that carry it with a value other than blank
     * or 0 are limited (a long poll's {@code wait}, which holds a worker thread), the others not at all.
     */
    String onlyWith() default "";
}
