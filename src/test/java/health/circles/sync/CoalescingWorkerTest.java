package health.circles.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The background worker's stop, which the service's shutdown relies on: once it returns, no task of the worker is
 * running or will run, so the driver and the data sources can be closed under nothing.
 */
class CoalescingWorkerTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void stopWaitsForTheRunningTaskEvenWhenTheStoppingThreadIsInterrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        CoalescingWorker worker = new CoalescingWorker("test", executor, () -> {
            started.countDown();
            try {
                release.await(); // not interrupted by stop(false)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
        });
        worker.wake();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        executor.execute(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            release.countDown();
        });

        Thread.currentThread().interrupt(); // as a shutdown thread can be when it fires the shutdown event
        worker.stop(false);
        boolean stillInterrupted = Thread.interrupted(); // clears it for the rest of the test

        assertTrue(finished.get(), "stop returned while the task was still running");
        assertTrue(stillInterrupted, "the interrupt is kept for the caller");
    }

    @Test
    void noTaskRunsAfterStopReturns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CoalescingWorker worker = new CoalescingWorker("test", executor, runs::incrementAndGet);
        worker.wake();
        worker.stop(false);
        int atStop = runs.get();
        for (int i = 0; i < 100; i++) {
            worker.wake();
        }
        Thread.sleep(200);
        assertEquals(atStop, runs.get());
        assertTrue(worker.stopping());
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
