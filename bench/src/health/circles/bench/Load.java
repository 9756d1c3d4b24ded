package health.circles.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Runs one operation a fixed number of times over several threads and measures each call. */
final class Load {

    /** One call against the service; returns null when it succeeded, else what went wrong. */
    interface Op {
        String call(Worker worker, int index) throws Exception;
    }

    /** Per-thread state: its own random source and a slot an operation may keep between calls (e.g. a cursor). */
    static final class Worker {
        final Random random;
        final boolean warmup;
        Object state;

        Worker(long seed, boolean warmup) {
            this.random = new Random(seed);
            this.warmup = warmup;
        }
    }

    /**
     * Latencies and outcome of one measured run, and the CPU this process (the load generator) used a call: it shares
     * the cores with the service, so a costly generator takes CPU the service would have had.
     */
    record Result(String name, int threads, long count, long errors, double seconds, long[] nanos, List<String> sampleErrors,
                  double generatorCpuMsPerCall) {

        double perSecond() {
            return count / seconds;
        }

        double percentileMs(double p) {
            if (nanos.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * nanos.length) - 1;
            return nanos[Math.max(0, Math.min(nanos.length - 1, rank))] / 1e6;
        }

        double maxMs() {
            return nanos.length == 0 ? Double.NaN : nanos[nanos.length - 1] / 1e6;
        }

        double meanMs() {
            return Arrays.stream(nanos).average().orElse(Double.NaN) / 1e6;
        }
    }

    private Load() {
    }

    /** Runs {@code warmup} unmeasured calls, then {@code count} measured ones, over {@code threads} threads. */
    static Result run(String name, int threads, int warmup, int count, long seed, Op op) throws InterruptedException {
        if (warmup > 0) {
            measure(name + " (warm-up)", threads, warmup, seed ^ 0x5eed, true, op);
        }
        return measure(name, threads, count, seed, false, op);
    }

    static Result measure(String name, int threads, int count, long seed, Op op) throws InterruptedException {
        return measure(name, threads, count, seed, false, op);
    }

    private static Result measure(String name, int threads, int count, long seed, boolean warmup, Op op)
            throws InterruptedException {
        AtomicInteger nextIndex = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<String> sampleErrors = new ConcurrentLinkedQueue<>();
        long[][] perThread = new long[threads][];
        int[] filled = new int[threads];
        CountDownLatch done = new CountDownLatch(threads);
        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int slot = t;
            perThread[t] = new long[count];
            Worker worker = new Worker(seed * 31 + t, warmup);
            Thread thread = new Thread(() -> {
                try {
                    int i;
                    while ((i = nextIndex.getAndIncrement()) < count) {
                        long t0 = System.nanoTime();
                        String error;
                        try {
                            error = op.call(worker, i);
                        } catch (Exception e) {
                            error = e.getClass().getSimpleName() + ": " + e.getMessage();
                        }
                        long elapsed = System.nanoTime() - t0;
                        perThread[slot][filled[slot]++] = elapsed;
                        if (error != null) {
                            errors.incrementAndGet();
                            if (sampleErrors.size() < 5) {
                                sampleErrors.add(error.length() > 300 ? error.substring(0, 300) : error);
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, "bench-" + name + "-" + t);
            thread.start();
        }
        done.await();
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuMsPerCall = (processCpuNanos() - cpuBefore) / 1e6 / Math.max(1, count);
        long[] all = new long[count];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(perThread[t], 0, all, at, filled[t]);
            at += filled[t];
        }
        Arrays.sort(all);
        Result result = new Result(name, threads, count, errors.get(), seconds, all, new ArrayList<>(sampleErrors),
                cpuMsPerCall);
        System.out.printf("  %-34s n=%d errors=%d p50=%.1fms p99=%.1fms max=%.1fms %.0f req/s (generator %.3f ms CPU a call)%n",
                name, count, result.errors(), result.percentileMs(50), result.percentileMs(99), result.maxMs(),
                result.perSecond(), cpuMsPerCall);
        for (String e : result.sampleErrors()) {
            System.out.println("    error: " + e);
        }
        return result;
    }

    /** CPU time of this process so far, all threads; 0 where the platform does not tell. */
    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }
}
