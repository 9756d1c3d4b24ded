package health.circles.security;

import io.quarkus.arc.Arc;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.RequestScoped;

/** What the audit of one request has done so far: its request id, and whether its rows are already written. */
@RequestScoped
@Unremovable
public class AuditCall {

    private String requestId;
    private boolean written;

    String requestId() {
        return requestId;
    }

    /** The id of the request being served, as its audit rows carry it; null outside a request (jobs, start-up). */
    public static String currentRequestId() {
        if (!Arc.container().requestContext().isActive()) {
            return null;
        }
        return Arc.container().instance(AuditCall.class).get().requestId();
    }

    void requestId(String id) {
        this.requestId = id;
    }

    /** Whether the filter has nothing left to write: the rows are written, or the request is not recorded. */
    boolean written() {
        return written;
    }

    /**
     * This request is not recorded: it was refused before naming anything, and has no identity behind it, as a request
     * refused for want of a token (the development token endpoint answering "no such path" to the world). A row for
     * each would let anyone on the network fill the trail.
     */
    void markUnrecorded() {
        this.written = true;
    }

    void markWritten() {
        this.written = true;
    }
}
