package health.circles.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Bodies without a token under the production limits (1 MB, imports 200 MB): a 50 MB chunked body is refused within
 * its first megabyte, and refusing a few of them leaves the heap as it was.
 */
@QuarkusTest
@TestProfile(ProductionEdgeProfile.class)
class BodyLimitsProductionTest {

    private static final long MB = 1024 * 1024;
    private static final int CHUNK = 64 * 1024;

    @TestHTTPResource("/")
    URL root;

    @Test
    void fiftyMegabytesChunkedToContactsWithoutATokenAreRefusedWithinTheFirstMegabyte() throws Exception {
        Answer answer = sendChunked("/api/v1/contacts", "application/json", 50 * MB);
        System.out.printf("contacts: answered %s after the client sent %d bytes%n", answer.status(), answer.sent());
        assertTrue(answer.head().startsWith("HTTP/1.1 413"), answer.head());
        assertTrue(answer.head().contains("application/problem+json"), answer.head());
        assertTrue(answer.body().contains("payload-too-large"), answer.body());
        assertTrue(answer.sent() <= MB + 4 * CHUNK, "sent " + answer.sent() + " bytes before the answer");
    }

    @Test
    void fiftyMegabytesChunkedToImportsWithoutATokenAreRefusedBeforeTheBodyIsRead() throws Exception {
        Answer answer = sendChunked("/api/v1/imports", "application/x-ndjson", 50 * MB);
        System.out.printf("imports: answered %s after the client sent %d bytes%n", answer.status(), answer.sent());
        assertTrue(answer.head().startsWith("HTTP/1.1 401"), answer.head());
        assertTrue(answer.head().contains("application/problem+json"), answer.head());
        assertTrue(answer.sent() <= MB, "sent " + answer.sent() + " bytes before the answer");
    }

    @Test
    void refusingLargeBodiesLeavesTheHeapFlat() throws Exception {
        long before = usedHeap();
        for (int i = 0; i < 4; i++) {
            sendChunked("/api/v1/contacts", "application/json", 50 * MB);
            sendChunked("/api/v1/imports", "application/x-ndjson", 50 * MB);
        }
        long after = usedHeap();
        System.out.printf("heap used: %d MB before, %d MB after 8 refused 50 MB bodies%n", before / MB, after / MB);
        // Buffering even one of them would add 50 MB.
        assertTrue(after - before < 32 * MB, "heap grew from " + before + " to " + after);
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    record Answer(String head, String body, long sent) {
        String status() {
            return head.isEmpty() ? "nothing" : head.substring(0, head.indexOf("\r\n"));
        }
    }

    /**
     * Sends {@code total} bytes chunked in lock-step (after each chunk it looks for an answer), so that what the
     * client sent before the answer came is what the server read plus at most a chunk in flight.
     */
    private Answer sendChunked(String path, String type, long total) throws Exception {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            AtomicLong sent = new AtomicLong();
            AtomicLong sentAtAnswer = new AtomicLong(-1);
            CountDownLatch answered = new CountDownLatch(1);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        if (sentAtAnswer.get() < 0) {
                            sentAtAnswer.set(sent.get());
                            answered.countDown();
                        }
                        synchronized (received) {
                            received.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the server closed the connection
                }
                answered.countDown();
            });
            reader.start();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] chunk = new byte[CHUNK];
            java.util.Arrays.fill(chunk, (byte) 'x');
            byte[] size = (Integer.toHexString(CHUNK) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
            try {
                while (sent.get() < total && !answered.await(20, TimeUnit.MILLISECONDS)) {
                    out.write(size);
                    out.write(chunk);
                    out.write(crlf);
                    out.flush();
                    sent.addAndGet(CHUNK);
                }
            } catch (IOException e) {
                // refused and closed while sending: what counts is when the answer came
            }
            answered.await(30, TimeUnit.SECONDS);
            reader.join(30_000);
            String text;
            synchronized (received) {
                text = received.toString(StandardCharsets.UTF_8);
            }
            int end = text.indexOf("\r\n\r\n");
            return new Answer(end < 0 ? text : text.substring(0, end), end < 0 ? "" : text.substring(end + 4),
                    sentAtAnswer.get() < 0 ? sent.get() : sentAtAnswer.get());
        }
    }
}
