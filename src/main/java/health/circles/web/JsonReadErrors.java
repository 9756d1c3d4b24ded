package health.circles.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.CharConversionException;
import java.io.IOException;

/**
 * Lets a body that is not well-formed JSON reach {@link ProblemMappers}: the JSON reader wraps the parse error in a
 * bare 400 WebApplicationException, which the server sends as it is, without a body, bypassing the mappers. Bytes that
 * are not text in any encoding JSON allows (Jackson guesses UTF-16 or UTF-32 from leading zero bytes, then meets a code
 * point past U+10FFFF) are the client's error too.
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
            if (e.getCause() instanceof CharConversionException text) {
                throw notText(text);
            }
            throw e;
        } catch (CharConversionException e) {
            throw notText(e);
        }
    }

    private static ApiProblem notText(CharConversionException e) {
        return new ApiProblem(400, "malformed-json", "Bad Request",
                "the body is not text in UTF-8, UTF-16 or UTF-32: " + e.getMessage());
    }
}
