package health.circles.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import health.circles.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Request lines over 4 KB and headers over 20 KB are refused by the HTTP server (Vert.x) itself, before any route or
 * filter, with a bare status and no body; an import upload is refused before its body is read unless the token may
 * import, and counted as it streams in when it may (docs/security.md, limits).
 */
@QuarkusTest
@AsRole("admin")
class HttpLimitsTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void overLongRequestLineGets414() throws IOException {
        String answer = send("GET /api/v1/contacts?q=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        // The server has not parsed the version when it refuses the line, so it answers HTTP/1.0.
        assertTrue(answer.matches("(?s)HTTP/1\\.[01] 414 .*"), answer);
    }

    @Test
    void overLongHeadersGet431() throws IOException {
        String answer = send("GET /api/v1/contacts HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(25_000)
                + "\r\n\r\n");
        assertTrue(answer.matches("(?s)HTTP/1\\.[01] 431 .*"), answer);
    }

    @Test
    void anImportUploadWithATokenThatMayNotImportIsRefusedBeforeItsBodyIsRead() throws Exception {
        ChunkedUpload.Answer answer = ChunkedUpload.send(root, "/api/v1/imports", "application/x-ndjson",
                10 * 1024 * 1024, "Authorization: Bearer " + TestTokens.token("clinician"));
        assertTrue(answer.head().startsWith("HTTP/1.1 403"), answer.head());
        assertTrue(answer.head().contains("application/problem+json"), answer.head());
        // Nothing of the body is read: the client can only fill the socket buffers before the answer comes.
        assertTrue(answer.sent() <= 1024 * 1024, "sent " + answer.sent());
    }

    @Test
    void anImportUploadWithABadTokenIsRefusedBeforeItsBodyIsRead() throws Exception {
        ChunkedUpload.Answer answer = ChunkedUpload.send(root, "/api/v1/imports", "application/x-ndjson",
                10 * 1024 * 1024, "Authorization: Bearer " + TestTokens.expired("admin"));
        assertTrue(answer.head().startsWith("HTTP/1.1 401"), answer.head());
        assertTrue(answer.head().contains("application/problem+json"), answer.head());
        // Nothing of the body is read: the client can only fill the socket buffers before the answer comes.
        assertTrue(answer.sent() <= 1024 * 1024, "sent " + answer.sent());
    }

    @Test
    void aChunkedImportOverTheImportLimitIsRefusedWithProblemJson() throws Exception {
        // The test profile's import limit is 2 MB.
        ChunkedUpload.Answer answer = ChunkedUpload.send(root, "/api/v1/imports", "application/x-ndjson",
                10 * 1024 * 1024, "Authorization: Bearer " + TestTokens.token("integration"));
        assertTrue(answer.head().startsWith("HTTP/1.1 413"), answer.head());
        assertTrue(answer.head().contains("application/problem+json"), answer.head());
        assertTrue(answer.body().contains("payload-too-large"), answer.body());
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    private String send(String request) throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            StringBuilder answer = new StringBuilder();
            int n;
            while ((n = in.read(buffer)) > 0) {
                answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                int end = answer.indexOf("\r\n\r\n");
                if (end >= 0 && answer.length() - end - 4 >= contentLength(answer.substring(0, end))) {
                    break;
                }
            }
            return answer.toString();
        }
    }
}
