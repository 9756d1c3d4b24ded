package health.circles.sync;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;

/**
 * Where the service's own background work runs (the relay, import jobs, import scrubs, graph rebuilds, analytics runs): on Quarkus'
 * managed executor, with no context of whoever woke it. A wake often comes from a request thread after its commit;
 * the work must not run in that request's CDI context, security identity or transaction, which end with the request.
 */
@ApplicationScoped
public class BackgroundWork {

    private final ManagedExecutor executor;
    private final ThreadContext none = ThreadContext.builder().propagated(ThreadContext.NONE)
            .cleared(ThreadContext.ALL_REMAINING).unchanged().build();

    BackgroundWork(ManagedExecutor executor) {
        this.executor = executor;
    }

    /** A worker named {@code name} (in logs) that runs {@code task} when woken, one run at a time. */
    public CoalescingWorker worker(String name, Runnable task) {
        return new CoalescingWorker(name, this::execute, task);
    }

    /** Runs {@code task} once, in the background, with every thread context cleared; completes when it ends. */
    public CompletableFuture<Void> runAsync(Runnable task) {
        return executor.runAsync(none.contextualRunnable(task));
    }

    /** Computes {@code task} once, in the background, with every thread context cleared; completes with its value. */
    public <T> CompletableFuture<T> supplyAsync(java.util.function.Supplier<T> task) {
        return executor.supplyAsync(none.contextualSupplier(task));
    }

    /** Runs {@code task} once, in the background, with every thread context cleared. */
    public void execute(Runnable task) {
        executor.execute(none.contextualRunnable(task));
    }

    /**
     * Waits up to {@code max} for background work to end, at shutdown: true when it ended (normally or not). An
     * interrupt of the waiting thread does not cut the wait short, since what the shutdown does next (close the graph
     * driver, the data sources) would pull them from under work still running; the interrupt is kept for the caller.
     */
    public static boolean awaitEnd(Future<?> work, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    work.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return true;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    return true;
                } catch (TimeoutException e) {
                    return false;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
