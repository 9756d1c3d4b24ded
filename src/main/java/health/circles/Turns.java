package health.circles;

import health.circles.failure.Unavailable;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Admission to costly work: at most {@code concurrency} calls run it at once, the others wait their turn first come,
 * first served; a call whose turn does not come within {@code wait} is refused with the {@link Unavailable} that
 * {@code busy} makes (a 503), without running.
 */
public final class Turns {

    private final Semaphore turns;
    private final Duration wait;
    private final Supplier<Unavailable> busy;

    public Turns(int concurrency, Duration wait, Supplier<Unavailable> busy) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.turns = new Semaphore(concurrency, true);
        this.wait = wait;
        this.busy = busy;
    }

    /** Runs {@code work} in its turn; throws {@code busy}'s exception when no turn comes within the wait. */
    public <T> T inTurn(Supplier<T> work) {
        boolean acquired;
        try {
            acquired = turns.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw busy.get();
        }
        try {
            return work.get();
        } finally {
            turns.release();
        }
    }
}
