package health.circles.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * FHIR JSON in and out, only through HAPI's parser: request bodies become R4 resources (or a 400 that says in FHIR's
 * words what is wrong: not JSON, no or an unknown resourceType, unknown elements, values not of their type, text no
 * store can hold), and resources and {@link FhirAnswer}s are written as {@code application/fhir+json}.
 */
@Provider
@Consumes({FhirBodies.FHIR_JSON, MediaType.APPLICATION_JSON})
@Produces({FhirBodies.FHIR_JSON, MediaType.APPLICATION_JSON})
public class FhirBodies implements MessageBodyReader<IBaseResource>, MessageBodyWriter<Object> {

    public static final String FHIR_JSON = "application/fhir+json";
    static final MediaType FHIR_JSON_TYPE = MediaType.valueOf(FHIR_JSON + ";charset=utf-8");

    private final FhirContext context;
    private final ObjectMapper json;

    FhirBodies(FhirContext context, ObjectMapper json) {
        this.context = context;
        this.json = json;
    }

    @Override
    public boolean isReadable(Class<?> type, Type generic, Annotation[] annotations, MediaType mediaType) {
        return IBaseResource.class.isAssignableFrom(type);
    }

    @Override
    public IBaseResource readFrom(Class<IBaseResource> type, Type generic, Annotation[] annotations,
                                  MediaType mediaType, MultivaluedMap<String, String> headers, InputStream body)
            throws IOException {
        return parse(body.readAllBytes());
    }

    /** A FHIR JSON resource from bytes, or the 400 that says why not. */
    IBaseResource parse(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw InvalidInput.request("malformed-json", "The body is not UTF-8 text");
        }
        if (text.isBlank()) {
            throw InvalidInput.request("malformed-json", "The body is empty; send a FHIR R4 resource in JSON");
        }
        JsonNode tree;
        try {
            tree = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw InvalidInput.request("malformed-json", "The body is not well-formed JSON"
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        }
        if (tree == null || !tree.isObject()) {
            throw InvalidInput.request("malformed-json", "The body must be a JSON object: a FHIR R4 resource");
        }
        JsonNode resourceType = tree.get("resourceType");
        if (resourceType == null || !resourceType.isTextual()) {
            throw InvalidInput.field("resourceType", "is required: the body must be a FHIR R4 resource");
        }
        if (!context.getResourceTypes().contains(resourceType.asText())) {
            throw InvalidInput.field("resourceType", "'" + Texts.clip(resourceType.asText(), 60)
                    + "' is not a FHIR R4 resource type");
        }
        ParseIssues issues = new ParseIssues();
        IParser parser = context.newJsonParser().setParserErrorHandler(issues);
        IBaseResource resource;
        try {
            resource = parser.parseResource(text);
        } catch (DataFormatException e) {
            throw InvalidInput.request("malformed-json", "The body is not a FHIR R4 " + resourceType.asText()
                    + " in JSON");
        }
        refuse(issues.errors());
        refuse(Texts.unstorable(context, resource));
        return resource;
    }

    private static void refuse(List<DomainException.FieldError> errors) {
        if (!errors.isEmpty()) {
            String detail = errors.stream().map(e -> e.field() + " " + e.reason())
                    .collect(java.util.stream.Collectors.joining("; "));
            throw new InvalidInput("validation", "Bad Request", Texts.clip(detail, 2000), errors);
        }
    }

    @Override
    public boolean isWriteable(Class<?> type, Type generic, Annotation[] annotations, MediaType mediaType) {
        return FhirAnswer.class.isAssignableFrom(type) || IBaseResource.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(Object entity, Class<?> type, Type generic, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        IBaseResource resource = entity instanceof FhirAnswer answer ? answer.resource() : (IBaseResource) entity;
        headers.putSingle("Content-Type", FHIR_JSON_TYPE.toString());
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        context.newJsonParser().encodeResourceToWriter(resource, writer);
        writer.flush();
    }

    /** A resource as FHIR JSON text (error bodies written outside JAX-RS). */
    String encode(IBaseResource resource) {
        return context.newJsonParser().encodeResourceToString(resource);
    }
}
