package health.circles.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records an audit event for every call of a resource method, whatever its outcome (see {@link AuditFilter}). One row
 * per record the answer carries ({@link AuditedRecord} items of a page, a list, or a single body); one row naming the
 * path's ids when it carries none (a 204, an error, an empty page).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {

    /** Resource type, e.g. {@code contact}, {@code tie}, {@code touchpoint}, {@code segment-members}, {@code map}. */
    String resource();

    /** What was done: {@code read}, {@code list}, {@code create}, {@code update}, {@code delete}, {@code erase}, {@code export}. */
    String action();

    /** Path parameter holding the resource's id, used when the answer carries no record. */
    String idParam() default "id";

    /** Path parameter holding the id of the contact concerned, when the path names one ({@code /contacts/{id}/…}). */
    String contactParam() default "";
}
