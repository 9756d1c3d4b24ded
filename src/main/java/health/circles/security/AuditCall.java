package health.circles.security;

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

    void requestId(String id) {
        this.requestId = id;
    }

    boolean written() {
        return written;
    }

    void markWritten() {
        this.written = true;
    }
}
