package health.circles.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses, for every endpoint at once, a query or path parameter holding what no id, code or search text has (NUL,
 * other control characters, unpaired surrogates, noncharacters: {@link InputRules#textProblem}): PostgreSQL cannot
 * take NUL even as a query parameter, and nothing downstream should have to think about the rest.
 */
public class RequestParams {

    @ServerRequestFilter
    public void check(ContainerRequestContext request) {
        check(request.getUriInfo().getQueryParameters(), "query parameter name");
        check(request.getUriInfo().getPathParameters(), null);
    }

    private static void check(MultivaluedMap<String, String> params, String nameField) {
        for (Map.Entry<String, List<String>> param : params.entrySet()) {
            String name = param.getKey();
            if (nameField != null && InputRules.textProblem(name, false) != null) {
                throw ApiProblem.invalidField(nameField, InputRules.textProblem(name, false));
            }
            for (String value : param.getValue()) {
                String problem = InputRules.textProblem(value, false);
                if (problem != null) {
                    throw ApiProblem.invalidField(name, problem);
                }
            }
        }
    }
}
