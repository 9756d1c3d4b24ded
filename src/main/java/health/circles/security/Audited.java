package health.circles.security;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records an audit event for every call of a resource method, whatever its outcome. One row per record the answer
 * carries ({@link AuditedRecord} items of a page, a list, or a single body); one row naming the path's ids when it
 * carries none (a 204, an error, an empty page). {@link #when()} says when the row is written, and so what it
 * guarantees; {@link AuditInterceptor} and {@link AuditFilter} write it.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Audited {

    /** Resource type, e.g. {@code contact}, {@code tie}, {@code touchpoint}, {@code segment-members}, {@code map}. */
    @Nonbinding String resource() default "";

    /** What was done: {@code read}, {@code list}, {@code create}, {@code update}, {@code delete}, {@code erase}, {@code export}. */
    @Nonbinding String action() default "";

    /** Path parameter holding the resource's id, used when the answer carries no record. */
    @Nonbinding String idParam() default "id";

    /** Path parameter holding the id of the contact concerned, when the path names one ({@code /contacts/{id}/…}). */
    @Nonbinding String contactParam() default "";

    /** When the row is written. */
    @Nonbinding When when() default When.AUTO;

    /** When an audit row is written, and what that guarantees. */
    enum When {
        /** {@link #BEFORE_ANSWER} for GET, {@link #IN_TRANSACTION} for every other method. */
        AUTO,
        /**
         * A change to PostgreSQL: the row is written in the same transaction as the change, last, so that the change
         * commits only with its row. A refused or failed change is recorded afterwards with its status.
         */
        IN_TRANSACTION,
        /**
         * A disclosure that changes nothing (a read, a computed answer, an issued token): the row is written once the
         * answer's status is known and before its body leaves; when it cannot be written the answer is a 503.
         */
        BEFORE_ANSWER,
        /**
         * Work that is not one PostgreSQL transaction (an import upload, a graph rebuild, an analytics run): a row with
         * status 102 is committed before the work starts, and the work does not start without it; a second row
         * records how the request ended.
         */
        BEFORE_WORK
    }
}
