package health.circles.sync;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A background task that runs when woken, on Quarkus' managed executor ({@link BackgroundWork}). Wakes that arrive
 * while a run is queued fold into it, so a burst of commits (or timer ticks) costs one run, and the task never runs
 * twice at once: one drain at a time runs the task while wakes keep coming.
 */
public final class CoalescingWorker {

    private static final Logger LOG = Logger.getLogger(CoalescingWorker.class);

    private final String name;
    private final Runnable task;
    private final Executor executor;
    /** A run was asked for and has not started yet. */
    private final AtomicBoolean queued = new AtomicBoolean();
    /** A drain is submitted or running; only one at a time. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile Thread thread;
    private volatile CompletableFuture<Void> drained = CompletableFuture.completedFuture(null);

    CoalescingWorker(String name, Executor executor, Runnable task) {
        this.name = name;
        this.executor = executor;
        this.task = task;
    }

    /** Queues a run unless one is queued already or the worker is stopping. */
    public void wake() {
        if (!stopping && queued.compareAndSet(false, true)) {
            startDrain();
        }
    }

    private void startDrain() {
        if (!draining.compareAndSet(false, true)) {
            return; // the running drain sees the queued run
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        drained = done;
        try {
            executor.execute(() -> drain(done));
        } catch (RejectedExecutionException e) {
            queued.set(false);
            draining.set(false);
            done.complete(null);
        }
    }

    private void drain(CompletableFuture<Void> done) {
        thread = Thread.currentThread();
        try {
            while (!stopping && queued.getAndSet(false)) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Background task %s failed; it runs again at its next wake", name);
                }
            }
        } finally {
            thread = null;
            Thread.interrupted(); // an interrupt from stop(true) ends with this drain, not with the pool's thread
            draining.set(false);
            done.complete(null);
        }
        if (!stopping && queued.get()) {
            startDrain(); // woken between the loop's last look and the end of this drain
        }
    }

    /** Whether {@link #stop} was called: long tasks check it between units of work. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * Stops taking wakes and waits up to ten seconds for the running task; {@code interrupt} also interrupts it (for
     * tasks whose unit of work is safe to abandon, as a batch that rolls back).
     */
    public void stop(boolean interrupt) {
        stopping = true;
        Thread running = thread;
        if (interrupt && running != null) {
            running.interrupt();
        }
        if (!BackgroundWork.awaitEnd(drained, Duration.ofSeconds(10))) {
            LOG.warnf("Background task %s did not end within ten seconds of shutdown", name);
        }
    }
}
