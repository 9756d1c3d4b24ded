package health.circles.security;

import health.circles.web.Problem;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Gives every request an id (the client's X-Request-Id when it is sane, else a new one) and writes the audit rows of
 * {@link Audited} calls that {@link AuditInterceptor} has not written in the call's own transaction: reads and other
 * disclosures, refused or failed changes, and the outcome of {@link Audited.When#BEFORE_WORK} calls. They are written
 * once the answer's status is known, before the body leaves; if the trail cannot be written the answer becomes a 503:
 * nothing is disclosed without a record of it.
 */
public class AuditFilter {

    static final String REQUEST_ID = "X-Request-Id";
    private static final String PROPERTY = "circles.request-id";
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Logger LOG = Logger.getLogger(AuditFilter.class);
    /** Methods whose rows record what was shown, not what was changed. */
    private static final Set<String> READS = Set.of("GET", "HEAD");

    private final AuditLog log;
    private final Callers callers;
    private final AuditNotes notes;
    private final AuditCall call;

    AuditFilter(AuditLog log, Callers callers, AuditNotes notes, AuditCall call) {
        this.log = log;
        this.callers = callers;
        this.notes = notes;
        this.call = call;
    }

    @ServerRequestFilter(preMatching = true)
    public void assignRequestId(ContainerRequestContext request) {
        String given = request.getHeaderString(REQUEST_ID);
        String id = given != null && SANE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        request.setProperty(PROPERTY, id);
        call.requestId(id);
    }

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource,
                       HttpServerRequest http) {
        Object id = request.getProperty(PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(REQUEST_ID, id);
        }
        Method method = resource == null ? null : resource.getResourceMethod();
        Audited audited = method == null ? null : method.getAnnotation(Audited.class);
        if (audited == null || call.written()) {
            return;
        }
        try {
            Object location = response.getHeaders().getFirst("Location");
            AuditLog.Event event = AuditEvents.of(new AuditEvents.Call(audited, callers.current(), request.getMethod(),
                    request.getUriInfo().getPath(), name -> request.getUriInfo().getPathParameters().getFirst(name),
                    response.getStatus(), response.getEntity(), location == null ? null : location.toString(), notes.contactsOrNone(),
                    id == null ? null : id.toString(),
                    http == null || http.remoteAddress() == null ? null : http.remoteAddress().hostAddress(),
                    notes.actionOrNull()));
            if (READS.contains(request.getMethod())) {
                log.appendRead(event);
            } else {
                log.append(event);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Audit trail unavailable; answering 503 to %s %s", request.getMethod(),
                    request.getUriInfo().getPath());
            response.setStatus(503);
            response.getHeaders().putSingle("Content-Type", Problem.MEDIA_TYPE);
            response.setEntity(new Problem(Problem.type("audit-unavailable"), "Service Unavailable", 503,
                    "The audit trail cannot be written just now; nothing was disclosed. Retry shortly",
                    request.getUriInfo().getPath(), List.of()), null, MediaType.valueOf(Problem.MEDIA_TYPE));
        }
    }

}
