package health.circles.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.AsRole;
import io.quarkus.test.junit.QuarkusTest;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is a contract a front-end builds on (docs/api.md, "Generating a client"): it validates, and
 * every operation, including ones added later, carries what a generated client needs. The rules are checked over
 * the whole document, not per endpoint.
 */
@QuarkusTest
@AsRole("admin")
class OpenApiContractTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    /** Query parameters that take one of a fixed set of values, wherever they appear. */
    private static final Set<String> ENUM_LIKE = Set.of("kind", "type", "assertion", "metric", "sort", "format",
            "channel", "state", "role", "tieType");
    private static final String PROBLEM = "#/components/schemas/Problem";

    /** The live document, also left at target/openapi.json for a look or a generator run by hand. */
    static String document() throws IOException {
        String json = given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).extract().asString();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/openapi.json"), json);
        return json;
    }

    @Test
    void theDocumentValidates() throws IOException {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIParser().readContents(document(), null, options);
        assertEquals(List.of(), result.getMessages() == null ? List.of() : result.getMessages(),
                "swagger-parser's messages on /q/openapi");
        assertTrue(result.getOpenAPI() != null && result.getOpenAPI().getPaths().size() > 40, "paths parsed");
    }

    @Test
    void everyOperationIsDescribedForAGeneratedClient() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(document());
        List<String> problems = new ArrayList<>();
        operations(doc, (where, operation) -> {
            if (!operation.hasNonNull("operationId")) {
                problems.add(where + ": no operationId");
            }
            if (!operation.hasNonNull("summary")) {
                problems.add(where + ": no summary");
            }
            boolean success = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = operation.path("responses").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> response = it.next();
                String code = response.getKey();
                JsonNode content = response.getValue().path("content");
                if (code.startsWith("2")) {
                    success = true;
                    if (!code.equals("204") && !code.equals("202") && content.isMissingNode()) {
                        problems.add(where + " " + code + ": a success without a body schema");
                    }
                    content.fields().forEachRemaining(media -> {
                        if (!media.getValue().has("schema")) {
                            problems.add(where + " " + code + " " + media.getKey() + ": no schema");
                        }
                    });
                } else if (code.startsWith("4") || code.startsWith("5")) {
                    JsonNode problem = content.path("application/problem+json").path("schema").path("$ref");
                    if (!PROBLEM.equals(problem.asText()) || content.size() != 1) {
                        problems.add(where + " " + code + ": not an application/problem+json Problem");
                    }
                }
            }
            if (!success) {
                problems.add(where + ": no success response");
            }
            for (JsonNode parameter : operation.path("parameters")) {
                String name = parameter.path("name").asText();
                JsonNode schema = parameter.path("schema");
                // A code from an open vocabulary (a relationship type an admin may add) states its pattern instead.
                if ("path".equals(parameter.path("in").asText()) && !schema.has("format") && !schema.has("pattern")) {
                    problems.add(where + ": path parameter " + name + " without a format (uuid, int64)");
                }
                if ("query".equals(parameter.path("in").asText()) && ENUM_LIKE.contains(name)
                        && !schema.has("enum") && !schema.path("items").has("enum") && !schema.has("$ref")
                        && !schema.path("items").has("$ref") && !schema.has("pattern")
                        && !schema.path("items").has("pattern")) {
                    problems.add(where + ": query parameter " + name + " is not an enum");
                }
            }
            if (operation.path("parameters").toString().contains("\"cursor\"")) {
                String page = operation.path("responses").path("200").path("content").path("application/json")
                        .path("schema").path("$ref").asText();
                JsonNode items = component(doc, page).path("properties").path("items").path("items");
                if (!items.has("$ref")) {
                    problems.add(where + ": a listing whose page is not typed (" + page + ")");
                }
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void everyComponentIsReferenced() throws IOException {
        String json = document();
        JsonNode components = new ObjectMapper().readTree(json).path("components");
        Set<String> unreferenced = new TreeSet<>();
        components.fields().forEachRemaining(kind -> {
            if (kind.getKey().equals("securitySchemes")) {
                return; // referenced by name from security requirements
            }
            kind.getValue().fieldNames().forEachRemaining(name -> {
                String ref = "\"#/components/" + kind.getKey() + "/" + name + "\"";
                if (!json.contains(ref)) {
                    unreferenced.add(kind.getKey() + "/" + name);
                }
            });
        });
        assertEquals(Set.of(), unreferenced);
    }

    @Test
    void headersAndBodiesAClientNeedsAreDocumented() throws IOException {
        JsonNode paths = new ObjectMapper().readTree(document()).path("paths");
        JsonNode create = paths.path("/api/v1/contacts").path("post");
        assertTrue(create.path("responses").path("201").path("headers").has("Location"), "Location");
        assertTrue(create.path("responses").path("201").path("headers").has("ETag"), "ETag");
        assertTrue(create.path("parameters").toString().contains("IdempotencyKey"), "Idempotency-Key");
        assertTrue(create.path("requestBody").path("content").path("application/json").has("examples"), "example");
        JsonNode patch = paths.path("/api/v1/contacts/{id}").path("patch");
        assertEquals("#/components/schemas/ContactPatch", patch.path("requestBody").path("content")
                .path("application/merge-patch+json").path("schema").path("$ref").asText());
        assertTrue(patch.path("parameters").toString().contains("If-Match"), "If-Match");
        assertTrue(paths.path("/api/v1/contacts").path("get").path("responses").path("429").path("headers")
                .has("Retry-After"), "Retry-After");
        assertTrue(paths.path("/api/v1/ties").path("post").path("responses").path("201").path("headers")
                .has("Graph-Position"), "Graph-Position");
        assertTrue(paths.path("/api/v1/segments/{id}/export").path("get").path("responses").path("200")
                .path("headers").has("Content-Disposition"), "Content-Disposition");
        assertTrue(paths.path("/api/v1/contacts").path("get").path("responses").path("200").path("headers")
                .has("Deprecation"), "Deprecation");
        assertEquals("#/components/schemas/ContactPage", paths.path("/api/v1/contacts").path("get")
                .path("responses").path("200").path("content").path("application/json").path("schema").path("$ref")
                .asText());
    }

    /** A header the document promises is one a browser app may read: CORS exposes it (docs/api.md, "CORS"). */
    @Test
    void everyDocumentedResponseHeaderIsExposedToBrowsers() throws IOException {
        JsonNode headers = new ObjectMapper().readTree(document()).path("components").path("headers");
        String exposed = given().header("Origin", "http://localhost:3000").when().get("/api/v1/contacts")
                .then().statusCode(200).extract().header("Access-Control-Expose-Headers");
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(List.of(exposed.split("\\s*,\\s*")));
        List<String> hidden = new ArrayList<>();
        headers.fieldNames().forEachRemaining(name -> {
            if (!names.contains(name)) {
                hidden.add(name);
            }
        });
        assertEquals(List.of(), hidden, "documented but not in quarkus.http.cors.exposed-headers");
    }

    private static JsonNode component(JsonNode doc, String ref) {
        Matcher m = Pattern.compile("#/components/schemas/(.+)").matcher(ref);
        return m.matches() ? doc.path("components").path("schemas").path(m.group(1)) : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** Each operation of the document but the test-only probes (/test/*). */
    private static void operations(JsonNode doc, BiConsumer<String, JsonNode> check) {
        doc.path("paths").fields().forEachRemaining(path -> {
            if (path.getKey().startsWith("/test/")) {
                return;
            }
            path.getValue().fields().forEachRemaining(operation -> {
                if (METHODS.contains(operation.getKey())) {
                    check.accept(operation.getKey().toUpperCase() + " " + path.getKey(), operation.getValue());
                }
            });
        });
    }
}
