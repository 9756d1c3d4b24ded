package health.circles.security;

import health.circles.web.Page;
import health.circles.web.Problem;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Gives every request an id (the client's X-Request-Id when it is sane, else a new one) and writes the audit rows of
 * {@link Audited} methods once the answer's status is known, before the body leaves. If the trail cannot be written
 * the answer becomes a 503: nothing is disclosed without a record of it.
 */
public class AuditFilter {

    static final String REQUEST_ID = "X-Request-Id";
    private static final String PROPERTY = "circles.request-id";
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final Logger LOG = Logger.getLogger(AuditFilter.class);

    private final AuditLog log;
    private final Callers callers;
    private final AuditNotes notes;

    AuditFilter(AuditLog log, Callers callers, AuditNotes notes) {
        this.log = log;
        this.callers = callers;
        this.notes = notes;
    }

    @ServerRequestFilter(preMatching = true)
    public void assignRequestId(ContainerRequestContext request) {
        String given = request.getHeaderString(REQUEST_ID);
        request.setProperty(PROPERTY, given != null && SANE_ID.matcher(given).matches()
                ? given : UUID.randomUUID().toString());
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
        if (audited == null) {
            return;
        }
        try {
            log.append(events(audited, request, response, http, id == null ? null : id.toString()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Audit trail unavailable; answering 503 to %s %s", request.getMethod(),
                    request.getUriInfo().getPath());
            response.setStatus(503);
            response.getHeaders().putSingle("Content-Type", Problem.MEDIA_TYPE);
            response.setEntity(new Problem(Problem.type("audit-unavailable"), "Service unavailable", 503,
                    "The audit trail cannot be written just now; nothing was disclosed. Retry shortly",
                    request.getUriInfo().getPath(), List.of()), null, MediaType.valueOf(Problem.MEDIA_TYPE));
        }
    }

    private List<AuditLog.Event> events(Audited audited, ContainerRequestContext request,
                                        ContainerResponseContext response, HttpServerRequest http, String requestId) {
        Caller caller = callers.current();
        List<String> roles = caller.roles().stream().sorted().toList();
        String path = clip(request.getUriInfo().getPath(), 1000);
        String client = http == null || http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        int status = response.getStatus();
        Set<UUID> noted = noted();
        UUID pathContact = uuidParam(request, audited.contactParam());
        List<AuditLog.Event> events = new ArrayList<>();
        for (AuditedRecord record : records(response.getEntity())) {
            Set<UUID> contacts = new LinkedHashSet<>(record.auditContacts());
            if (pathContact != null) {
                contacts.add(pathContact);
            }
            events.add(new AuditLog.Event(caller.subject(), roles, audited.action(), audited.resource(),
                    clip(record.auditId(), 100), List.copyOf(contacts), request.getMethod(), path, status, requestId, client));
        }
        if (events.isEmpty()) {
            String resourceId = param(request, audited.idParam());
            Set<UUID> contacts = new LinkedHashSet<>();
            if (pathContact != null) {
                contacts.add(pathContact);
            }
            contacts.addAll(noted);
            Object created = response.getHeaders().getFirst("Location");
            if (resourceId == null && created != null) {
                String location = created.toString();
                resourceId = location.substring(location.lastIndexOf('/') + 1);
            }
            events.add(new AuditLog.Event(caller.subject(), roles, audited.action(), audited.resource(),
                    clip(resourceId, 100), List.copyOf(contacts), request.getMethod(), path, status, requestId, client));
        }
        return events;
    }

    private Set<UUID> noted() {
        try {
            return notes.contacts();
        } catch (RuntimeException e) {
            return Set.of();
        }
    }

    private static List<AuditedRecord> records(Object entity) {
        Collection<?> items;
        if (entity instanceof Page<?> page) {
            items = page.items();
        } else if (entity instanceof Collection<?> list) {
            items = list;
        } else if (entity instanceof AuditedListing listing) {
            items = listing.auditRecords();
        } else if (entity instanceof AuditedRecord one) {
            return List.of(one);
        } else {
            return List.of();
        }
        List<AuditedRecord> records = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof AuditedRecord r) {
                records.add(r);
            }
        }
        return records;
    }

    private static String param(ContainerRequestContext request, String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        return request.getUriInfo().getPathParameters().getFirst(name);
    }

    private static UUID uuidParam(ContainerRequestContext request, String name) {
        String value = param(request, name);
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Paths and ids come from clients: keep what is stored bounded and free of what text columns refuse (NUL). */
    private static String clip(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = CONTROL.matcher(value).replaceAll("\uFFFD");
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
