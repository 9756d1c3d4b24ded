package health.circles.openapi;

import health.circles.security.Audited;
import health.circles.security.RateLimited;
import health.circles.web.Idempotent;
import health.circles.web.Page;
import health.circles.web.Problem;
import io.quarkus.arc.Arc;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Completes the OpenAPI document (/q/openapi) from what the code itself declares, so that every operation, including
 * those added later, is described the same way for generated clients: the answers every endpoint shares (400 for an
 * unknown parameter, 401 without a token, 403 for the role check, 404 for a path id, 412 with If-Match, 413 and 415
 * for a body, 409 and 422 for an Idempotency-Key, 429 for a rate limit, 503 when the audit trail cannot be written),
 * each in problem+json; the headers of those answers; the Idempotency-Key parameter; and a named, typed page schema
 * ({@code ContactPage}: items of {@code Contact}) for each listing, read from the method's {@code Page<T>}.
 * What only a resource knows (its own 409s and 422s, ETag, Location, Graph-Position) stays in its annotations.
 * FHIR lives at /fhir under its own specification and is not part of this document.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class ApiContract implements OASFilter {

    static final String PROBLEM = "#/components/schemas/Problem";

    private record HeaderDoc(String description, Schema schema) {}

    private record Route(String method, String path) {}

    @Override
    public void filterOpenAPI(OpenAPI api) {
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().getPathItems().keySet().stream()
                .filter(path -> path.equals("/fhir") || path.startsWith("/fhir/"))
                .toList()
                .forEach(api.getPaths()::removePathItem);
        Components components = api.getComponents() == null ? OASFactory.createComponents() : api.getComponents();
        api.setComponents(components);
        headers().forEach((name, doc) -> components.addHeader(name, OASFactory.createHeader()
                .description(doc.description()).schema(doc.schema())));
        components.addParameter("IdempotencyKey", OASFactory.createParameter()
                .name("Idempotency-Key").in(Parameter.In.HEADER).required(false)
                .description("A unique key for this creation (e.g. a UUID), so that it can be retried safely: the same "
                        + "key and body from the same caller within 24 hours answers the first answer again "
                        + "(Idempotent-Replayed: true) and creates nothing; the same key with another body is a 422, "
                        + "and while the first request runs a 409")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING).minLength(1).maxLength(255)));
        Map<Route, Method> methods = resourceMethods();
        api.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((verb, operation) ->
                complete(components, path, verb, operation, methods.get(new Route(verb.name(), path)))));
    }

    private void complete(Components components, String path, PathItem.HttpMethod verb, Operation operation,
                          Method method) {
        APIResponses responses = operation.getResponses() == null
                ? OASFactory.createAPIResponses() : operation.getResponses();
        operation.setResponses(responses);
        if (method != null) {
            successSchema(components, responses, method);
        }
        boolean takesBody = operation.getRequestBody() != null;
        boolean pathIds = path.contains("{");
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        boolean ifMatch = parameters.stream().anyMatch(p -> "If-Match".equalsIgnoreCase(p.getName()));
        for (Parameter p : parameters) {
            numeric(p);
        }
        boolean paged = parameters.stream().anyMatch(p -> "cursor".equals(p.getName())
                && p.getIn() == Parameter.In.QUERY);

        error(responses, 400, "A parameter or the body is not valid (validation, malformed-json), or a query "
                + "parameter is not one this endpoint takes (unknown-parameter); errors names each field");
        if (method == null || !method.isAnnotationPresent(PermitAll.class)) {
            error(responses, 401, "No valid bearer token (unauthorized)");
        }
        if (method != null && rolesAllowed(method) != null) {
            error(responses, 403, "The token's roles do not allow this operation (forbidden)");
        }
        if (pathIds) {
            error(responses, 404, "Nothing with this id (not-found)");
        }
        if (ifMatch) {
            for (Parameter p : parameters) {
                if ("If-Match".equalsIgnoreCase(p.getName())) {
                    p.setDescription("The ETag of the version read (lost-update check); a weak or strong tag");
                    p.setSchema(OASFactory.createSchema().addType(Schema.SchemaType.STRING));
                }
            }
            error(responses, 412, "If-Match is not the current version (stale-version): read it again");
        }
        if (method != null && annotated(method, Idempotent.class)) {
            operation.addParameter(OASFactory.createParameter().ref("IdempotencyKey"));
            error(responses, 409, "A request with this Idempotency-Key is still being processed "
                    + "(idempotency-key-in-flight)");
            error(responses, 422, "This Idempotency-Key was used with another body (idempotency-key-reused)");
            successHeaders(responses, "Idempotent-Replayed");
        }
        if (takesBody) {
            error(responses, 413, "The body is larger than this endpoint takes (payload-too-large)");
            error(responses, 415, "The body is not of a media type this endpoint takes (unsupported-media-type)");
        }
        if (method != null && method.isAnnotationPresent(RateLimited.class)) {
            error(responses, 429, "Over the caller's rate limit; Retry-After says when to retry");
        }
        if (method != null && annotated(method, Audited.class)) {
            error(responses, 503, "The audit trail cannot be written, so nothing is answered (audit-unavailable)");
        }
        if (paged) {
            successHeaders(responses, "Deprecation", "Warning");
        }
        responses.getAPIResponses().forEach((code, response) -> {
            int status = code.matches("\\d{3}") ? Integer.parseInt(code) : 0;
            if (status >= 400) {
                problemContent(response, status);
            }
            if (status == 429 || status == 503) {
                addHeader(response, "Retry-After");
            }
        });
        // In status order, as a reader of the document expects them.
        responses.setAPIResponses(new TreeMap<>(responses.getAPIResponses()));
        if (operation.getSecurity() == null && method != null && !method.isAnnotationPresent(PermitAll.class)) {
            operation.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme("SecurityScheme"));
        }
    }

    /**
     * A method that answers a value rather than a Response has its success schema read from its return type: a
     * {@code Page<T>} becomes the named page schema of T (ContactPage: items of Contact, next), anything else the
     * component of its class.
     */
    private static void successSchema(Components components, APIResponses responses, Method method) {
        Class<?> returned = method.getReturnType();
        if (returned == Response.class || returned == void.class) {
            return;
        }
        boolean declared = responses.getAPIResponses().keySet().stream().anyMatch(code -> code.startsWith("2"));
        APIResponse ok = responses.getAPIResponse("200");
        if (declared && (ok == null || hasSchema(ok))) {
            return;
        }
        Schema schema = null;
        String description = "OK";
        if (returned == Page.class && method.getGenericReturnType() instanceof ParameterizedType generic) {
            String item = componentName(generic.getActualTypeArguments()[0]);
            if (item != null && components.getSchemas() != null && components.getSchemas().containsKey(item)) {
                String page = item + "Page";
                components.addSchema(page, OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                        .description("One page of " + item + " items; next is absent on the last page")
                        .addRequired("items")
                        .addProperty("items", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                                .items(OASFactory.createSchema().ref(item)))
                        .addProperty("next", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                                .description("Cursor of the next page, to send as the cursor query parameter; "
                                        + "absent on the last page"))
                        .addProperty("total", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)
                                .format("int64").description("How many items the whole listing holds, on the "
                                        + "listings where counting is cheap (docs/api.md); absent elsewhere")));
                schema = OASFactory.createSchema().ref(page);
                description = "One page of " + item + " items; follow next for the following one";
            }
        } else {
            String name = componentName(returned);
            if (name != null && components.getSchemas() != null && components.getSchemas().containsKey(name)) {
                schema = OASFactory.createSchema().ref(name);
            }
        }
        if (schema == null) {
            return;
        }
        if (ok == null) {
            ok = OASFactory.createAPIResponse().description(description);
            responses.addAPIResponse("200", ok);
        }
        ok.setContent(OASFactory.createContent().addMediaType(jakarta.ws.rs.core.MediaType.APPLICATION_JSON,
                OASFactory.createMediaType().schema(schema)));
    }

    private static boolean hasSchema(APIResponse response) {
        return response.getContent() != null && response.getContent().getMediaTypes().values().stream()
                .anyMatch(m -> m.getSchema() != null);
    }

    /** The component a class is documented under: its @Schema name, else its simple name. */
    private static String componentName(Type type) {
        if (!(type instanceof Class<?> c)) {
            return null;
        }
        org.eclipse.microprofile.openapi.annotations.media.Schema named =
                c.getAnnotation(org.eclipse.microprofile.openapi.annotations.media.Schema.class);
        return named != null && !named.name().isEmpty() ? named.name() : c.getSimpleName();
    }

    /**
     * The parameters every listing and graph question shares are numbers, though resources take them as text (to
     * answer a bad one with a 400 naming it rather than JAX-RS' 404): limit, and consistentWith, a Graph-Position.
     */
    private static void numeric(Parameter p) {
        if (p.getIn() != Parameter.In.QUERY || p.getSchema() == null || p.getSchema().getType() == null
                || !p.getSchema().getType().contains(Schema.SchemaType.STRING)) {
            return;
        }
        if ("limit".equals(p.getName())) {
            p.setSchema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32")
                    .minimum(java.math.BigDecimal.ONE));
        } else if ("consistentWith".equals(p.getName())) {
            p.setSchema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int64")
                    .minimum(java.math.BigDecimal.ZERO));
        }
    }

    /** Adds the error answer unless the resource documents that status itself. */
    private static void error(APIResponses responses, int status, String description) {
        String code = Integer.toString(status);
        APIResponse existing = responses.getAPIResponse(code);
        if (existing == null) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
        } else if (existing.getDescription() == null || existing.getDescription().isBlank()
                || existing.getDescription().equals(Problem.reason(status))
                || existing.getDescription().equals("Not Authorized")
                || existing.getDescription().equals("Not Allowed")) {
            existing.setDescription(description);
        } else if (status == 409 || status == 422) {
            if (!existing.getDescription().contains(description)) {
                existing.setDescription(existing.getDescription() + "; or: " + description);
            }
        }
    }

    /** Every error is an RFC 9457 problem: the one Problem schema, in application/problem+json. */
    private static void problemContent(APIResponse response, int status) {
        MediaType problem = OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM));
        Content content = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, problem);
        response.setContent(content);
        if (response.getDescription() == null || response.getDescription().isBlank()) {
            response.setDescription(Problem.reason(status));
        }
    }

    private static void successHeaders(APIResponses responses, String... names) {
        responses.getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("2")) {
                for (String name : names) {
                    addHeader(response, name);
                }
            }
        });
    }

    private static void addHeader(APIResponse response, String name) {
        if (response.getHeaders() == null || !response.getHeaders().containsKey(name)) {
            response.addHeader(name, OASFactory.createHeader().ref(name));
        }
    }

    private static String[] rolesAllowed(Method method) {
        RolesAllowed roles = method.getAnnotation(RolesAllowed.class);
        if (roles == null) {
            roles = method.getDeclaringClass().getAnnotation(RolesAllowed.class);
        }
        return roles == null ? null : roles.value();
    }

    private static boolean annotated(Method method, Class<? extends Annotation> type) {
        return method.isAnnotationPresent(type) || method.getDeclaringClass().isAnnotationPresent(type);
    }

    /** Each resource method by HTTP method and path template as the document writes it ({id}, no regex). */
    static Map<Route, Method> resourceMethods() {
        Map<Route, Method> found = new HashMap<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
            if (root == null) {
                continue;
            }
            for (Method m : type.getMethods()) {
                String http = httpMethod(m);
                if (http != null) {
                    jakarta.ws.rs.Path sub = m.getAnnotation(jakarta.ws.rs.Path.class);
                    found.put(new Route(http, template(root.value() + "/" + (sub == null ? "" : sub.value()))), m);
                }
            }
        }
        return found;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value().toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** "/api/v1/contacts//{id: [0-9a-f-]+}/" as the document writes it: "/api/v1/contacts/{id}". */
    static String template(String path) {
        String plain = path.replaceAll("\\{\\s*([^}:\\s]+)\\s*(:[^}]*)?}", "{$1}").replaceAll("/+", "/");
        if (!plain.startsWith("/")) {
            plain = "/" + plain;
        }
        return plain.length() > 1 && plain.endsWith("/") ? plain.substring(0, plain.length() - 1) : plain;
    }

    /** The response headers documented once, under components.headers, and referenced by the operations. */
    private static Map<String, HeaderDoc> headers() {
        Map<String, HeaderDoc> h = new TreeMap<>();
        h.put("ETag", new HeaderDoc("The version of the resource, e.g. \"3\": send it as If-Match to change it",
                string()));
        h.put("Location", new HeaderDoc("The URL of the resource created, or of the job to follow", string()
                .format("uri")));
        h.put("Retry-After", new HeaderDoc("Seconds to wait before trying again",
                OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).minimum(java.math.BigDecimal.ONE)));
        h.put("Graph-Position", new HeaderDoc("The outbox position of this write: pass it as consistentWith to a "
                + "graph question (circles, paths) to read the graph with this write applied",
                OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int64")));
        h.put("Content-Disposition", new HeaderDoc("attachment; filename=\"...\": the name to save the download under",
                string()));
        h.put("Deprecation", new HeaderDoc("true when the request used a deprecated form (the query parameter next "
                + "instead of cursor); see Warning", string()));
        h.put("Warning", new HeaderDoc("299 with what is deprecated and what to send instead", string()));
        h.put("Idempotent-Replayed", new HeaderDoc("true when this is the stored answer to an earlier request with "
                + "the same Idempotency-Key (nothing was created again)", string()));
        h.put("Segment-Members", new HeaderDoc("Members in the download", integer()));
        h.put("Segment-Excluded-Do-Not-Contact", new HeaderDoc("Matching contacts left out: do-not-contact",
                integer()));
        h.put("Segment-Excluded-Denied", new HeaderDoc("Matching contacts left out: consent DENIED on the channel",
                integer()));
        h.put("Segment-Excluded-Unknown", new HeaderDoc("Matching contacts left out: no answer on the channel and "
                + "the segment does not include unknown", integer()));
        return h;
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    }

    private static Schema integer() {
        return OASFactory.createSchema().addType(Schema.SchemaType.INTEGER);
    }
}
