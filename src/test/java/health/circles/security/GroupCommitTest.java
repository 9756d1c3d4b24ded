package health.circles.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    private static final int THREADS = 8;
    private static final int EACH = 500;

    @Test
    void everyItemIsWrittenOnceAndCallersAtTheSameTimeShareAWrite() throws Exception {
        Map<Integer, Integer> written = new ConcurrentHashMap<>();
        List<Integer> groupSizes = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Integer> commit = new GroupCommit<>(16, items -> {
            pause();
            groupSizes.add(items.size());
            items.forEach(i -> written.merge(i, 1, Integer::sum));
        });
        runTogether(t -> {
            for (int n = 0; n < EACH; n++) {
                int item = t * EACH + n;
                commit.write(item);
                // Returned: its own item is written (not merely queued).
                assertEquals(1, written.get(item), "item " + item);
            }
        });
        assertEquals(THREADS * EACH, written.size());
        assertTrue(written.values().stream().allMatch(times -> times == 1), "each item written once");
        assertTrue(groupSizes.stream().allMatch(size -> size <= 16), "no group over the limit: " + groupSizes);
        assertTrue(groupSizes.stream().anyMatch(size -> size > 1), "callers at the same time wrote together");
        assertTrue(groupSizes.size() < THREADS * EACH, "fewer writes than items: " + groupSizes.size());
    }

    @Test
    void anItemTheStoreRefusesFailsOnlyItsOwnCaller() throws Exception {
        int bad = 13;
        Map<Integer, Integer> written = new ConcurrentHashMap<>();
        AtomicInteger refusals = new AtomicInteger();
        GroupCommit<Integer> commit = new GroupCommit<>(64, items -> {
            if (items.size() > 1) {
                pause();
            }
            if (items.contains(bad)) {
                throw new IllegalStateException(items.size() == 1 ? "refused " + bad : "refused");
            }
            items.forEach(i -> written.merge(i, 1, Integer::sum));
        });
        runTogether(t -> {
            for (int n = 0; n < 50; n++) {
                int item = t * 50 + n;
                if (item == bad) {
                    assertEquals("refused 13", assertThrows(IllegalStateException.class, () -> commit.write(item))
                            .getMessage());
                    refusals.incrementAndGet();
                } else {
                    commit.write(item);
                }
            }
        });
        assertEquals(1, refusals.get());
        assertEquals(THREADS * 50 - 1, written.size());
        assertTrue(written.values().stream().allMatch(times -> times == 1), "each good item written once");
    }

    @Test
    void anItemWhoseWriteDidNotFinishIsNotReportedWritten() {
        AssertionError crash = new AssertionError("out of memory, say");
        GroupCommit<Integer> commit = new GroupCommit<>(4, items -> {
            throw crash;
        });
        assertSame(crash, assertThrows(AssertionError.class, () -> commit.write(1)));
        // The writer is free again: the next item is written or refused, never left waiting.
        assertSame(crash, assertThrows(AssertionError.class, () -> commit.write(2)));
    }

    private interface Work {
        void run(int thread) throws Exception;
    }

    private static void runTogether(Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    work.run(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(0, 200_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
