package health.circles.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * Bodies without a token under the production limits (1 MB, imports 200 MB): a 50 MB chunked body is refused within
 * its first megabyte, and refusing a few of them leaves the heap as it was.
 */
@QuarkusTest
@AsRole("admin")
@TestProfile(ProductionEdgeProfile.class)
class BodyLimitsProductionTest {

    private static final long MB = 1024 * 1024;
    
    @TestHTTPResource("/")
    URL root;

    @Test
    void fiftyMegabytesChunkedToContactsWithoutATokenAreRefusedWithinTheFirstMegabyte() throws Exception {
        ChunkedUpload.Answer answer = ChunkedUpload.send(root, "/api/v1/contacts", "application/json", 50 * MB);
        System.out.printf("contacts: answered %s after the client sent %d bytes%n", answer.status(), answer.sent());
        assertTrue(answer.head().startsWith("HTTP/1.1 413"), answer.head());
        assertTrue(answer.head().contains("application/problem+json"), answer.head());
        assertTrue(answer.body().contains("payload-too-large"), answer.body());
        // The server refuses the chunk that passes 1 MB; the client may have a few more in flight on a busy machine.
        assertTrue(answer.sent() <= MB + 8 * ChunkedUpload.CHUNK, "sent " + answer.sent() + " bytes before the answer");
    }

    @Test
    void fiftyMegabytesChunkedToImportsWithoutATokenAreRefusedBeforeTheBodyIsRead() throws Exception {
        ChunkedUpload.Answer answer = ChunkedUpload.send(root, "/api/v1/imports", "application/x-ndjson", 50 * MB);
        System.out.printf("imports: answered %s after the client sent %d bytes%n", answer.status(), answer.sent());
        assertTrue(answer.head().startsWith("HTTP/1.1 401"), answer.head());
        assertTrue(answer.head().contains("application/problem+json"), answer.head());
        // Nothing of the body is read; the client could only fill the socket buffers before the answer came.
        assertTrue(answer.sent() <= MB, "sent " + answer.sent() + " bytes before the answer");
    }

    @Test
    void refusingLargeBodiesLeavesTheHeapFlat() throws Exception {
        long before = usedHeap();
        for (int i = 0; i < 4; i++) {
            ChunkedUpload.send(root, "/api/v1/contacts", "application/json", 50 * MB);
            ChunkedUpload.send(root, "/api/v1/imports", "application/x-ndjson", 50 * MB);
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
            // Not a poll: there is nothing to wait for but time, which the collector gets to settle the heap.
            Thread.sleep(200);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
