package health.circles.security;

import health.circles.failure.Unavailable;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Writes the audit rows of changes where they cannot be bypassed: for {@link Audited.When#IN_TRANSACTION} calls the
 * resource method runs in one transaction, which the services' own {@code @Transactional} boundaries join, and the
 * rows are inserted in it after the method returns, so the change commits with its rows or not at all. For
 * {@link Audited.When#BEFORE_WORK} calls a row is committed before the method runs. A call that throws leaves its
 * rows to {@link AuditFilter}, which records the refusal with its status once the transaction has rolled back.
 */
@Audited
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_AFTER + 100)
public class AuditInterceptor {

    /** HTTP status of work accepted and still going on. */
    static final int STARTED = 102;
    private static final Logger LOG = Logger.getLogger(AuditInterceptor.class);

    private final AuditLog log;
    private final Callers callers;
    private final AuditNotes notes;
    private final AuditCall call;
    private final CurrentVertxRequest http;
    private final TransactionManager transactions;
    private final EntityManager em;

    AuditInterceptor(AuditLog log, Callers callers, AuditNotes notes, AuditCall call, CurrentVertxRequest http,
                     TransactionManager transactions, EntityManager em) {
        this.log = log;
        this.callers = callers;
        this.notes = notes;
        this.call = call;
        this.http = http;
        this.transactions = transactions;
        this.em = em;
    }

    @AroundInvoke
    Object audit(InvocationContext ctx) throws Exception {
        Audited audited = ctx.getMethod().getAnnotation(Audited.class);
        RoutingContext request = http.getCurrent();
        if (audited == null || request == null) {
            return ctx.proceed(); // not an HTTP call (a resource method called from code)
        }
        String method = request.request().method().name();
        return switch (AuditEvents.when(audited, method)) {
            case BEFORE_ANSWER, AUTO -> ctx.proceed();
            case BEFORE_WORK -> {
                append(event(ctx, audited, request, STARTED, null, null));
                yield ctx.proceed();
            }
            case IN_TRANSACTION -> inTransaction(ctx, audited, request);
        };
    }

    private Object inTransaction(InvocationContext ctx, Audited audited, RoutingContext request) throws Exception {
        boolean own = transactions.getStatus() == Status.STATUS_NO_TRANSACTION;
        if (own) {
            transactions.begin();
        }
        try {
            Object result = ctx.proceed();
            if (transactions.getStatus() != Status.STATUS_ACTIVE) {
                throw new IllegalStateException("The transaction of " + ctx.getMethod() + " was marked for rollback");
            }
            // Pending entity changes reach the database first, so that a refused change fails here, as it did when
            // the service's own boundary committed it, and never after its audit row.
            if (em.isJoinedToTransaction()) {
                em.flush();
            }
            int status = 200;
            Object entity = result;
            String location = null;
            if (result instanceof Response response) {
                status = response.getStatus();
                entity = response.getEntity();
                location = response.getLocation() == null ? null : response.getLocation().toString();
            } else if (result == null && ctx.getMethod().getReturnType() == void.class) {
                status = 204;
            }
            append(event(ctx, audited, request, status, entity, location));
            if (own) {
                transactions.commit();
            }
            call.markWritten();
            return result;
        } catch (Exception | Error e) {
            if (own) {
                rollback();
            }
            throw e;
        }
    }

    private void append(AuditLog.Event event) {
        try {
            log.append(event);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Audit trail unavailable; the change is not made");
            throw new Unavailable("audit-unavailable", "Service Unavailable",
                    "The audit trail cannot be written just now; nothing was changed. Retry shortly", null);
        }
    }

    private void rollback() {
        try {
            if (transactions.getStatus() != Status.STATUS_NO_TRANSACTION) {
                transactions.rollback();
            }
        } catch (SystemException | IllegalStateException e) {
            LOG.warnf(e, "Could not roll back an audited change");
        }
    }

    private AuditLog.Event event(InvocationContext ctx, Audited audited, RoutingContext request, int status,
                                        Object entity, String location) {
        String client = request.request().remoteAddress() == null ? null
                : request.request().remoteAddress().hostAddress();
        return AuditEvents.of(new AuditEvents.Call(audited, callers.current(), request.request().method().name(),
                request.normalizedPath(), pathParams(ctx), status, entity, location, notes.contactsOrNone(), call.requestId(),
                client, notes.actionOrNull()));
    }

    /** The call's path parameters, by name, from the method's {@code @PathParam} arguments. */
    private static Function<String, String> pathParams(InvocationContext ctx) {
        Map<String, String> values = new HashMap<>();
        Method method = ctx.getMethod();
        Annotation[][] annotations = method.getParameterAnnotations();
        Object[] args = ctx.getParameters();
        for (int i = 0; i < annotations.length; i++) {
            for (Annotation a : annotations[i]) {
                if (a instanceof PathParam p && args[i] != null) {
                    values.put(p.value(), args[i].toString());
                }
            }
        }
        return values::get;
    }

}
