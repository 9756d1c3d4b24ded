package health.circles.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import health.circles.Anonymous;
import health.circles.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A client that offers HTTP/2 (Java's own client asks to upgrade to h2c on its first request) is answered over
 * HTTP/1.1, for reads, for bodies of known length and for bodies of unknown length (counted by BodyLimits): Quarkus
 * REST fails on HTTP/2 requests whose stream ended before it paused them, so the service does not speak HTTP/2.
 */
@QuarkusTest
@Anonymous // sends its own token, through Java's HTTP client
class Http2ClientTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header("Authorization", "Bearer " + TestTokens.token("admin"));
    }

    @Test
    void anHttp2ClientIsServedOverHttp11() throws Exception {
        HttpResponse<String> read = client.send(request("/api/v1/contacts?limit=1").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(HttpClient.Version.HTTP_1_1, read.version());

        String contact = "{\"kind\":\"PATIENT\",\"givenName\":\"Hana\",\"familyName\":\"Upgrade\"}";
        HttpResponse<String> known = client.send(request("/api/v1/contacts").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(contact)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, known.statusCode(), known.body());

        // No Content-Length: sent chunked, and counted by BodyLimits as it streams in.
        HttpResponse<String> unknown = client.send(request("/api/v1/contacts")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(contact.getBytes(StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, unknown.statusCode(), unknown.body());
        assertEquals(HttpClient.Version.HTTP_1_1, unknown.version());
    }
}
