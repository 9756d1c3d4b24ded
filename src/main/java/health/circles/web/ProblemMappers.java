package health.circles.web;

import health.circles.failure.Conflict;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.Gone;
import health.circles.failure.NotPermitted;
import health.circles.failure.PreconditionRequired;
import health.circles.failure.RuleRefused;
import health.circles.failure.StaleVersion;
import health.circles.failure.TooLarge;
import health.circles.failure.Unavailable;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where exceptions become RFC 9457 problem+json answers; nothing else writes error bodies. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem e, UriInfo uri) {
        return respond(e.toProblem(path(uri)));
    }

    /** A domain failure from a service or a store: its kind alone decides the status (see {@link #status}). */
    @ServerExceptionMapper
    public Response domain(DomainException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.errors().stream()
                .map(f -> new Problem.FieldError(f.field(), f.reason())).toList();
        Response answer = respond(new Problem(Problem.type(e.code()), e.title(), status(e), e.detail(), path(uri),
                errors));
        if (e instanceof Unavailable u && u.retryAfter() != null) {
            return Response.fromResponse(answer).header("Retry-After", Math.max(1, u.retryAfter().toSeconds()))
                    .build();
        }
        return answer;
    }

    /** The one table from domain failures to HTTP statuses (also for answers that carry failures inside, e.g. FHIR batches). */
    public static int status(DomainException e) {
        if (e instanceof NotFound) {
            return 404;
        } else if (e instanceof InvalidInput) {
            return 400;
        } else if (e instanceof Conflict) {
            return 409;
        } else if (e instanceof StaleVersion) {
            return 412;
        } else if (e instanceof PreconditionRequired) {
            return 428;
        } else if (e instanceof RuleRefused) {
            return 422;
        } else if (e instanceof NotPermitted) {
            return 403;
        } else if (e instanceof TooLarge) {
            return 413;
        } else if (e instanceof Unavailable) {
            return 503;
        } else if (e instanceof Gone) {
            return 410;
        }
        throw new IllegalArgumentException("No status for " + e.getClass().getName());
    }

    @ServerExceptionMapper({io.quarkus.security.UnauthorizedException.class,
            io.quarkus.security.AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        Problem p = RouteFailures.UNAUTHORIZED;
        return Response.status(401).type(Problem.MEDIA_TYPE).header("WWW-Authenticate", "Bearer")
                .entity(new Problem(p.type(), p.title(), 401, p.detail(), path(uri), List.of())).build();
    }

    /** Role checks run before any lookup, so a 403 never depends on whether the object exists. */
    @ServerExceptionMapper(io.quarkus.security.ForbiddenException.class)
    public Response forbidden(RuntimeException e, UriInfo uri) {
        Problem p = RouteFailures.FORBIDDEN;
        return respond(new Problem(p.type(), p.title(), 403, p.detail(), path(uri), List.of()));
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + " " + f.reason()).collect(Collectors.joining("; "));
        return respond(new Problem(Problem.type("validation"), "Bad Request", 400, detail, path(uri), errors));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return respond(jsonProblem(e, path(uri)));
    }

    // Quarkus REST ships its own mappers for these two (a non-problem body); exact types win over the one above.
    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e, UriInfo uri) {
        return respond(jsonProblem(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return respond(jsonProblem(e, path(uri)));
    }

    @ServerExceptionMapper
    public Response optimisticLock(OptimisticLockException e, UriInfo uri) {
        return respond(concurrentUpdate(path(uri)));
    }

    @ServerExceptionMapper
    public Response staleState(StaleStateException e, UriInfo uri) {
        return respond(concurrentUpdate(path(uri)));
    }

    /**
     * A unique or check constraint of PostgreSQL refused a write that passed the service's own checks, which happens
     * when two requests race (e.g. the same externalId twice at once): the loser gets a 409, not a 500.
     */
    @ServerExceptionMapper
    public Response persistence(PersistenceException e, UriInfo uri) {
        return known(e, path(uri)).map(ProblemMappers::respond).orElseGet(() -> unexpected(e, uri));
    }

    /**
     * The answer to a failure that is a race with another request rather than a fault: a concurrent update, or a
     * constraint of PostgreSQL that refused a write the service's own checks let through; found anywhere in the
     * cause chain (a commit wraps it). Empty for anything else. Also for answers that carry failures inside (FHIR
     * batches).
     */
    public static Optional<Problem> known(Throwable e, String instance) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof OptimisticLockException || cause instanceof StaleStateException) {
                return Optional.of(concurrentUpdate(instance));
            }
            if (cause instanceof java.sql.SQLException sql && ("40P01".equals(sql.getSQLState())
                    || "40001".equals(sql.getSQLState()) || "55P03".equals(sql.getSQLState()))) {
                // PostgreSQL chose this transaction as a deadlock's victim, could not serialise it, or gave up waiting
                // for a lock: nothing was written, and the same request sent again will most likely go through.
                return Optional.of(new Problem(Problem.type("concurrent-update"), "Conflict", 409,
                        "Another request changed the same records at the same time; nothing was written, send it again",
                        instance, List.of()));
            }
            if (cause instanceof org.hibernate.exception.ConstraintViolationException violation) {
                String constraint = violation.getConstraintName() == null ? "" : violation.getConstraintName();
                if (constraint.contains("external_id")) {
                    return Optional.of(new Problem(Problem.type("duplicate-external-id"), "Conflict", 409,
                            "Another contact already has this externalId", instance, List.of()));
                }
                return Optional.of(new Problem(Problem.type("conflict"), "Conflict", 409,
                        "The change conflicts with the current state of the data; read it again and retry", instance,
                        List.of()));
            }
        }
        return Optional.empty();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return respond(jsonProblem(json, path(uri)));
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getStatusCode() >= 500) {
            return unexpected(e, uri);
        }
        String slug = switch (status.getStatusCode()) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            default -> "bad-request";
        };
        String detail = switch (status.getStatusCode()) {
            case 404 -> "No resource at this path";
            case 415 -> "This endpoint takes application/json";
            case 405 -> "This path does not take this method; the Allow header lists those it takes";
            default -> Problem.reason(status.getStatusCode());
        };
        Response.ResponseBuilder answer = Response.status(status.getStatusCode())
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(Problem.type(slug), Problem.reason(status.getStatusCode()), status.getStatusCode(),
                        detail, path(uri), List.of()));
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                values.forEach(v -> answer.header(name, v));
            }
        });
        if (status.getStatusCode() == 405 && e.getResponse().getHeaderString("Allow") == null && uri != null) {
            String allowed = AllowedMethods.of(uri.getPath());
            if (!allowed.isEmpty()) {
                answer.header("Allow", allowed);
            }
        }
        return answer.build();
    }

    /** How long a client should wait before it tries again when a store is unavailable. */
    static final java.time.Duration OUTAGE_RETRY = java.time.Duration.ofSeconds(5);

    /**
     * A store the request needed was not there, anywhere in the cause chain: Neo4j unreachable, its session lost, a
     * transient error its driver already retried for its whole retry time, or a graph transaction that timed out; a
     * PostgreSQL connection that could not be had (the pool's wait ran out, the server refused or dropped it, too many
     * clients) or a statement cancelled by a timeout. None is the request's fault, and nothing was written: a 503 the
     * client may retry, never a 500. Empty for anything else (a Cypher or SQL mistake stays a 500).
     */
    public static Optional<Unavailable> outage(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.neo4j.driver.exceptions.ServiceUnavailableException
                    || cause instanceof org.neo4j.driver.exceptions.SessionExpiredException
                    || cause instanceof org.neo4j.driver.exceptions.TransientException
                    || cause instanceof org.neo4j.driver.exceptions.ClientException client
                    && client.code() != null && client.code().startsWith("Neo.ClientError.Transaction.TransactionTimedOut")) {
                return Optional.of(new Unavailable("graph-unavailable", "Graph unavailable",
                        "The graph store is not available now (" + cause.getClass().getSimpleName()
                                + "); nothing was written, try again shortly", OUTAGE_RETRY));
            }
            if (cause instanceof java.sql.SQLException sql && databaseOutage(sql)) {
                return Optional.of(new Unavailable("database-unavailable", "Database unavailable",
                        "The database could not serve the request now; nothing was written, try again shortly",
                        OUTAGE_RETRY));
            }
        }
        return Optional.empty();
    }

    /** Connection failures (08…), an administrator's shutdown (57P01), too many clients (53300), a cancelled statement
     * (57014), or the pool's wait for a connection running out (Agroal says so without a state). */
    private static boolean databaseOutage(java.sql.SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return e.getMessage() != null && e.getMessage().contains("acquisition timeout");
        }
        return state.startsWith("08") || state.equals("57P01") || state.equals("53300") || state.equals("57014");
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        Optional<Problem> race = known(e, path(uri));
        if (race.isPresent()) {
            return respond(race.get());
        }
        Optional<Unavailable> down = outage(e);
        if (down.isPresent()) {
            LOG.warnf("A store was unavailable: %s", e.toString());
            return domain(down.get(), uri);
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure, incident %s", incident);
        return respond(new Problem(Problem.type("internal"), "Internal Server Error", 500,
                "The request could not be completed; quote incident " + incident + " when reporting it", path(uri),
                List.of()));
    }

    private static Problem concurrentUpdate(String instance) {
        return new Problem(Problem.type("concurrent-update"), "Conflict", 409,
                "The resource was changed by another request; read it again and retry", instance, List.of());
    }

    private static Problem jsonProblem(JsonProcessingException e, String instance) {
        String field = e instanceof JsonMappingException m ? pathOf(m) : "";
        String reason;
        if (e instanceof UnrecognizedPropertyException u) {
            field = field.isEmpty() ? u.getPropertyName() : field;
            reason = "is not a known field";
        } else if (e instanceof RefusedValueException r) {
            reason = r.reason();
        } else if (e instanceof InputCoercionException c) {
            // A number beyond its type outside the checked fields (StorableJson names those): a parse error to
            // Jackson, which carries no field path, so the parser's position names it.
            field = pathOf(c.getProcessor());
            reason = "is a number beyond the range of " + withArticle(simpleName(c.getTargetType()));
        } else if (e instanceof StreamConstraintsException c) {
            field = pathOf(c.getProcessor());
            reason = "is longer than a value may be (" + c.getOriginalMessage() + ")";
        } else if (e instanceof InvalidFormatException f) {
            reason = "has a value that is not a valid " + simpleName(f.getTargetType());
        } else if (e instanceof MismatchedInputException m) {
            reason = m.getTargetType() == null ? "has the wrong type" : "must be " + withArticle(simpleName(m.getTargetType()));
        } else {
            reason = "the body is not well-formed JSON";
        }
        if (field.isEmpty()) {
            return new Problem(Problem.type("malformed-json"), "Bad Request", 400, reason, instance, List.of());
        }
        return new Problem(Problem.type("validation"), "Bad Request", 400, field + " " + reason, instance,
                List.of(new Problem.FieldError(field, reason)));
    }

    private static String withArticle(String name) {
        if (name.startsWith("one of")) {
            return name;
        }
        return ("aeiouAEIOU".indexOf(name.charAt(0)) >= 0 && !name.startsWith("UUID") ? "an " : "a ") + name;
    }

    private static String simpleName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type.isEnum()) {
            Object[] values = type.getEnumConstants();
            return "one of " + java.util.Arrays.toString(values);
        }
        return switch (type.getSimpleName()) {
            case "UUID" -> "UUID";
            case "Instant", "OffsetDateTime" -> "ISO-8601 timestamp";
            case "LocalDate" -> "ISO-8601 date";
            case "Double", "double", "Float", "float" -> "number";
            case "Integer", "int", "Long", "long" -> "integer";
            case "Boolean", "boolean" -> "boolean";
            case "String" -> "string";
            case "List", "Set" -> "array";
            default -> "object";
        };
    }

    /** Where the parser stood, as a field path; empty when it is not a parser or stood at the top. */
    private static String pathOf(Object processor) {
        if (!(processor instanceof JsonParser parser)) {
            return "";
        }
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                parts.push(c.getCurrentName());
            } else if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            }
        }
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (!out.isEmpty() && !part.startsWith("[")) {
                out.append('.');
            }
            out.append(part);
        }
        return InputRules.textProblem(out.toString(), false) == null ? out.toString() : "";
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /**
     * The offending field as a client names it: "consent[EMAIL].status", "languages[0]". Resource-method violations
     * start with the method and parameter, which a client never sees; container elements add no name of their own.
     */
    static String fieldOf(ConstraintViolation<?> v) {
        StringBuilder out = new StringBuilder();
        for (Path.Node node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.PARAMETER
                    || node.getKind() == ElementKind.CROSS_PARAMETER || node.getKind() == ElementKind.RETURN_VALUE) {
                continue;
            }
            // A node inside a list or map carries the index or key of its element in the container before it.
            if (node.isInIterable()) {
                if (node.getIndex() != null) {
                    out.append('[').append(node.getIndex()).append(']');
                } else if (node.getKey() != null) {
                    out.append('[').append(node.getKey()).append(']');
                }
            }
            if (node.getName() != null && node.getKind() != ElementKind.CONTAINER_ELEMENT) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(node.getName());
            }
        }
        if (out.isEmpty()) {
            // The body itself, e.g. a POST without one.
            return "body";
        }
        return out.toString();
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
