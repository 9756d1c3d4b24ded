package health.circles.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;

/**
 * Lets a body that is not well-formed JSON reach {@link ProblemMappers}: the JSON reader wraps the parse error in a
 * bare 400 WebApplicationException, which the server sends as it is, without a body, bypassing the mappers.
 */
@Provider
public class JsonReadErrors implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        try {
            return context.proceed();
        } catch (WebApplicationException e) {
            if (e.getCause() instanceof JsonProcessingException json) {
                throw json;
            }
            throw e;
        }
    }
}
