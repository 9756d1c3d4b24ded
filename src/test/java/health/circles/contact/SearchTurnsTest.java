package health.circles.contact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.failure.Unavailable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SearchTurnsTest {

    private static SearchTurns turns(int concurrency, Duration wait) {
        return turns(concurrency, wait, 8);
    }

    private static SearchTurns turns(int concurrency, Duration wait, int searchPool) {
        return new SearchTurns(new SearchConfig() {
            @Override
            public OptionalInt concurrency() {
                return OptionalInt.of(concurrency);
            }

            @Override
            public Duration queueWait() {
                return wait;
            }
        }, searchPool);
    }

    @Test
    void noMoreThanTheConcurrencyRunAtOnce() throws Exception {
        SearchTurns turns = turns(3, Duration.ofSeconds(10));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                calls.add(pool.submit(() -> turns.inTurn(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    sleep(1);
                    running.decrementAndGet();
                    return n;
                })));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertEquals(i, calls.get(i).get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(most.get() <= 3, "at most 3 at once, saw " + most.get());
        assertEquals(3, most.get(), "8 callers keep all 3 turns busy");
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        SearchTurns turns = turns(1, Duration.ofSeconds(10));
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        Holder holder = Holder.of(turns);
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            Thread t = new Thread(() -> turns.inTurn(() -> order.add(n)));
            t.start();
            waiters.add(t);
            // Let each queue before the next arrives.
            while (t.getState() != Thread.State.TIMED_WAITING && t.isAlive()) {
                Thread.onSpinWait();
            }
        }
        holder.release();
        for (Thread t : waiters) {
            t.join();
        }
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }

    @Test
    void aCallThatGetsNoTurnInTimeIsUnavailableWithRetryAfter() throws Exception {
        SearchTurns turns = turns(1, Duration.ofMillis(50));
        Holder holder = Holder.of(turns);
        try {
            AtomicInteger ran = new AtomicInteger();
            Unavailable busy = assertThrows(Unavailable.class, () -> turns.inTurn(ran::incrementAndGet));
            assertEquals("search-busy", busy.code());
            assertEquals(Duration.ofSeconds(1), busy.retryAfter());
            assertEquals(0, ran.get(), "the work did not run");
        } finally {
            holder.release();
        }
        assertEquals(7, turns.inTurn(() -> 7), "the turn came back once the holder finished");
    }

    @Test
    void aTurnIsGivenBackWhenTheWorkFails() {
        SearchTurns turns = turns(1, Duration.ofMillis(50));
        assertThrows(IllegalStateException.class, () -> turns.inTurn(() -> {
            throw new IllegalStateException("database gone");
        }));
        assertEquals("next", turns.inTurn(() -> "next"));
    }

    @Test
    void aConcurrencyBelowOneOrAboveTheSearchPoolIsRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> turns(0, Duration.ofSeconds(1)));
        // More turns than the search pool has connections: the extra searches would wait outside their turn.
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> turns(9, Duration.ofSeconds(1), 8));
        assertTrue(tooMany.getMessage().contains("DB_SEARCH_POOL_MAX"), tooMany.getMessage());
        turns(8, Duration.ofSeconds(1), 8);
    }

    /** A thread that holds one turn until released. */
    private record Holder(Thread thread, CountDownLatch latch) {

        static Holder of(SearchTurns turns) throws InterruptedException {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread thread = new Thread(() -> turns.inTurn(() -> {
                holding.countDown();
                await(release);
                return null;
            }));
            thread.start();
            holding.await();
            return new Holder(thread, release);
        }

        void release() throws InterruptedException {
            latch.countDown();
            thread.join();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
