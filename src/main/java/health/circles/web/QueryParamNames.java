package health.circles.web;

import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.UriBuilder;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Holds every endpoint to the query parameters it declares: a parameter the endpoint does not take is a 400
 * ({@code unknown-parameter}) naming each one, rather than silently ignored (a misspelt filter would otherwise widen
 * a listing without anyone noticing).
 *
 * <p>Paging is one style on every listing: the request names the position {@code cursor}, the answer is a
 * {@link Page}. The old name {@code next} is still taken for one version, as {@code cursor}, with a
 * {@code Deprecation} and a {@code Warning} header on the answer.
 */
public class QueryParamNames {

    /** The paging parameter every listing takes. */
    public static final String CURSOR = "cursor";
    /** Its former name, taken until the next version. */
    static final String OLD_CURSOR = "next";
    private static final String RENAMED = QueryParamNames.class.getName() + ".renamed";

    private static final Map<Method, Set<String>> DECLARED = new ConcurrentHashMap<>();

    /** Before matching: {@code next=} becomes {@code cursor=} when {@code cursor} itself is absent. */
    @ServerRequestFilter(preMatching = true)
    public void renameOldCursor(ContainerRequestContext request) {
        var query = request.getUriInfo().getQueryParameters();
        if (!query.containsKey(OLD_CURSOR) || query.containsKey(CURSOR)) {
            return;
        }
        UriBuilder uri = UriBuilder.fromUri(request.getUriInfo().getRequestUri()).replaceQueryParam(OLD_CURSOR);
        for (String value : query.get(OLD_CURSOR)) {
            uri.queryParam(CURSOR, value);
        }
        request.setRequestUri(uri.build());
        request.setProperty(RENAMED, Boolean.TRUE);
    }

    @ServerResponseFilter
    public void warnOldCursor(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(RENAMED) != null) {
            response.getHeaders().putSingle("Deprecation", "true");
            response.getHeaders().putSingle("Warning",
                    "299 - \"The query parameter next is deprecated and will be removed; send cursor instead\"");
        }
    }

    @ServerRequestFilter
    public void refuseUnknown(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return;
        }
        Set<String> declared = DECLARED.computeIfAbsent(method, QueryParamNames::declared);
        List<Problem.FieldError> unknown = new ArrayList<>();
        for (String name : new TreeSet<>(request.getUriInfo().getQueryParameters().keySet())) {
            if (!declared.contains(name)) {
                unknown.add(new Problem.FieldError(name, declared.isEmpty()
                        ? "is not a parameter of this endpoint, which takes none"
                        : "is not a parameter of this endpoint, which takes " + String.join(", ", declared)));
            }
        }
        if (!unknown.isEmpty()) {
            String names = String.join(", ", unknown.stream().map(Problem.FieldError::field).toList());
            throw new ApiProblem(400, "unknown-parameter", Problem.reason(400),
                    "Unknown query parameter" + (unknown.size() > 1 ? "s: " : ": ") + names, unknown);
        }
    }

    /** The names of the method's @QueryParam (and @RestQuery) parameters, @BeanParam fields included. */
    static Set<String> declared(Method method) {
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < method.getParameterCount(); i++) {
            Annotation[] annotations = method.getParameterAnnotations()[i];
            collect(annotations, method.getParameters()[i].getName(), names);
            for (Annotation a : annotations) {
                if (a instanceof BeanParam) {
                    beanFields(method.getParameterTypes()[i], names);
                }
            }
        }
        return Set.copyOf(names);
    }

    private static void beanFields(Class<?> type, Set<String> names) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                collect(field.getAnnotations(), field.getName(), names);
                if (field.isAnnotationPresent(BeanParam.class)) {
                    beanFields(field.getType(), names);
                }
            }
        }
    }

    private static void collect(Annotation[] annotations, String elementName, Set<String> names) {
        for (Annotation a : annotations) {
            if (a instanceof QueryParam q) {
                names.add(q.value());
            } else if (a instanceof RestQuery r) {
                names.add(r.value().isEmpty() ? elementName : r.value());
            }
        }
    }
}
