package health.circles.web;

import io.quarkus.arc.Arc;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The HTTP methods a path answers, for the {@code Allow} header of a 405 (RFC 9110 §15.5.6 requires it; Quarkus REST
 * leaves it out). Read once from the resource classes' annotations.
 */
final class AllowedMethods {

    private record Route(Pattern path, String method) {}

    private static volatile List<Route> routes;

    private AllowedMethods() {
    }

    /** The methods of every resource method whose path template matches; HEAD goes with GET. */
    static String of(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : routes()) {
            if (route.path().matcher(path).matches()) {
                methods.add(route.method());
                if (route.method().equals("GET")) {
                    methods.add("HEAD");
                }
            }
        }
        return String.join(", ", methods);
    }

    private static List<Route> routes() {
        List<Route> found = routes;
        if (found == null) {
            found = new ArrayList<>();
            for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
                Class<?> type = bean.getBeanClass();
                Path root = type.getAnnotation(Path.class);
                if (root == null) {
                    continue;
                }
                for (Method m : type.getMethods()) {
                    String http = httpMethod(m);
                    if (http != null) {
                        Path sub = m.getAnnotation(Path.class);
                        found.add(new Route(template(root.value() + "/" + (sub == null ? "" : sub.value())), http));
                    }
                }
            }
            routes = found;
        }
        return found;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    /** A JAX-RS path template as a pattern: {name} is one segment, {name: regex} its regex. */
    static Pattern template(String template) {
        StringBuilder out = new StringBuilder();
        String t = ("/" + template).replaceAll("/+", "/");
        if (t.length() > 1 && t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c == '{') {
                int depth = 1;
                int j = i + 1;
                while (j < t.length() && depth > 0) {
                    depth += t.charAt(j) == '{' ? 1 : t.charAt(j) == '}' ? -1 : 0;
                    j++;
                }
                String var = t.substring(i + 1, j - 1);
                int colon = var.indexOf(':');
                out.append('(').append(colon < 0 ? "[^/]+" : var.substring(colon + 1).strip()).append(')');
                i = j;
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return Pattern.compile(out + "/?");
    }
}
