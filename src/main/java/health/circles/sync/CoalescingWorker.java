package health.circles.sync;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One background thread that runs a task when woken. Wakes that arrive while a run is already queued fold into it, so
 * a burst of commits (or timer ticks) costs one run, and the task never runs twice at once.
 */
public final class CoalescingWorker {

    private final Runnable task;
    private final ExecutorService executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean stopping;

    public CoalescingWorker(String threadName, Runnable task) {
        this.task = task;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues a run unless one is queued already or the worker is stopping. */
    public void wake() {
        if (!stopping && queued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    queued.set(false);
                    task.run();
                });
            } catch (RejectedExecutionException e) {
                queued.set(false);
            }
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
        if (interrupt) {
            executor.shutdownNow();
        } else {
            executor.shutdown();
        }
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
