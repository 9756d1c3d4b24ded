package health.circles.imports;

import health.circles.contact.ErasureRegister;
import health.circles.sync.BackgroundWork;
import health.circles.sync.CoalescingWorker;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Runs import jobs one at a time per replica, in the background: reads the file from the job's checkpoint, parses and
 * validates a batch of rows, and commits the batch's records, outbox rows, row errors and new checkpoint in one
 * transaction. A replica holds its job under a lease (ImportJobStore.Lease) renewed on a timer, however long a batch
 * takes; a replica that dies mid-batch leaves nothing of that batch, and once its lease is stale any replica resumes
 * the job from the last checkpoint (at start-up, on schedule, or on request). The fencing token stops a replica that
 * stalled past its lease from committing anything after it was taken over. Files live in the imports folder, which
 * all replicas share (ImportConfig.dir).
 */
@ApplicationScoped
public class ImportRunner {

    private static final Logger LOG = Logger.getLogger(ImportRunner.class);

    private final health.circles.events.ChangeEvents events;
    private final ImportJobStore jobs;
    private final RowParser parser;
    private final ImportWriter writer;
    private final ImportConfig config;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final CoalescingWorker worker;
    /** Who this replica is, in leases and logs: host, process and a random part (pids repeat in containers). */
    private final String owner = ReplicaName.get();
    /** The lease this replica holds now, renewed by {@link #heartbeat()}; null when idle. */
    private volatile ImportJobStore.Lease held;
    /** Set by the heartbeat when the lease was found taken over: the running job stops before its next batch. */
    private volatile boolean lost;
    /** Test hook: the batch number (1-based) at which to simulate the process dying, and whether before its commit. */
    volatile int crashAtBatch;
    volatile boolean crashBeforeCommit;
    /** Test hook: how many simulated crashes happened. */
    final java.util.concurrent.atomic.AtomicInteger crashes = new java.util.concurrent.atomic.AtomicInteger();

    private final jakarta.enterprise.inject.Instance<ResourceRows> resourceRows;
    private final BackgroundWork background;

    ImportRunner(ImportJobStore jobs, RowParser parser, ImportWriter writer, ImportConfig config,
                 com.fasterxml.jackson.databind.ObjectMapper json, BackgroundWork background,
                 health.circles.events.ChangeEvents events, jakarta.enterprise.inject.Instance<ResourceRows> resourceRows) {
        this.resourceRows = resourceRows;
        this.background = background;
        this.events = events;
        this.worker = background.worker("imports", this::runAll);
        this.jobs = jobs;
        this.parser = parser;
        this.writer = writer;
        this.config = config;
        this.json = json;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.heartbeat().multipliedBy(3).compareTo(config.staleAfter()) > 0) {
            throw new IllegalStateException("circles.imports.heartbeat (" + config.heartbeat() + ") must be at most a "
                    + "third of circles.imports.stale-after (" + config.staleAfter() + "), or a slow database makes "
                    + "live imports look abandoned");
        }
        wake();
    }

    void onStop(@Observes @jakarta.annotation.Priority(5) ShutdownEvent event) {
        worker.stop(true);
    }

    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        wake();
    }

    /**
     * Renews the lease of the job this replica is running, on its own timer: a batch that takes longer than the lease
     * keeps it. A renewal refused means another replica took the job over: the run stops and commits nothing more.
     */
    @Scheduled(every = "${circles.imports.heartbeat}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    synchronized void heartbeat() {
        ImportJobStore.Lease lease = held;
        if (lease == null) {
            return;
        }
        try {
            if (!jobs.heartbeat(lease) && lease.equals(held)) {
                lost = true;
                LOG.warnf("Import %s: lease %d lost (taken over by another replica, or cancelled); stopping",
                        lease.job(), lease.token());
            }
        } catch (RuntimeException e) {
            LOG.warnf("Import %s: could not renew the lease (%s); retried in %s", lease.job(), e.getMessage(),
                    config.heartbeat());
        }
    }

    /** Runs queued (and orphaned) jobs; coalesces with a run already queued. */
    public void wake() {
        worker.wake();
    }

    private void runAll() {
        while (!worker.stopping()) {
            java.util.Optional<ImportJobStore.Job> job;
            try {
                job = jobs.claimNext(owner, config.staleAfter());
            } catch (RuntimeException e) {
                LOG.warn("Could not look for import jobs; retried on schedule", e);
                return;
            }
            if (job.isEmpty()) {
                return;
            }
            lost = false;
            held = job.get().lease();
            try {
                run(job.get());
            } catch (SimulatedCrash e) {
                release(); // a dead process renews nothing: before the crash is counted, which tests wait for
                LOG.warnf("Import %s: simulated crash at batch %d", job.get().id(), e.batch);
                crashes.incrementAndGet();
                return;
            } finally {
                release();
            }
        }
    }

    private void run(ImportJobStore.Job job) {
        ImportJobStore.Lease lease = job.lease();
        Path file = Path.of(config.dir(), job.fileName());
        long started = System.nanoTime();
        LOG.infof("Import %s: %s from row %d on %s (lease %d)", job.id(), job.rowsDone() == 0 ? "starting" : "resuming",
                job.rowsDone() + 1, owner, lease.token());
        try (ImportReader reader = ImportReader.open(file, job.format(), job.recordType(), json);
             Prefetch ahead = new Prefetch(background)) {
            ImportReader.Row row = skipDone(reader, job.rowsDone());
            int batch = job.batches();
            PhaseTimes times = new PhaseTimes();
            java.util.concurrent.Future<Batch> next = row == null ? null
                    : ahead.read(() -> readBatch(reader, row, job.batchSize(), job.format()));
            while (next != null && !worker.stopping()) {
                if (lost) {
                    throw new ImportJobStore.LeaseLost(lease);
                }
                long mark = System.nanoTime();
                Batch read = ahead.await(next);
                times.lap("waiting for read and parse", mark);
                // The next batch is read and parsed while this one commits: the two overlap on separate threads.
                next = read.next() == null ? null
                        : ahead.read(() -> readBatch(reader, read.next(), job.batchSize(), job.format()));
                int number = ++batch;
                boolean cancel = job.format() == ImportFormat.FHIR_NDJSON ? commitResources(job, lease, read)
                        : commit(job, lease, number, read, times);
                if (!crashBeforeCommit && crashAtBatch == number) {
                    throw new SimulatedCrash(number);
                }
                if (cancel) {
                    jobs.finish(lease, ImportState.CANCELLED, null);
                    LOG.infof("Import %s cancelled after batch %d", job.id(), number);
                    return;
                }
            }
            if (worker.stopping()) {
                return; // the job stays RUNNING and is resumed from its checkpoint by the next process
            }
            succeed(job, lease, file, started, times);
        } catch (SimulatedCrash e) {
            throw e;
        } catch (ImportJobStore.LeaseLost e) {
            LOG.warnf("Import %s: taken over by another replica; this one (%s) stops without committing more",
                    job.id(), owner);
        } catch (IOException | RuntimeException e) {
            if (worker.stopping()) {
                return;
            }
            LOG.errorf(e, "Import %s failed", job.id());
            finish(lease, ImportState.FAILED, failure(e));
        }
    }

    /** A batch of rows as read and parsed: the valid ones, the errors of the others, and where it ends. */
    private record Batch(List<RowParser.Parsed> valid, List<RowError> errors, long rejected, long rowsDone,
                         long bytesDone, ImportReader.Row next) {
    }

    /**
     * Reads the job's next batch on a thread of its own while the current one commits. At most one read is in flight,
     * and each starts after the previous one was awaited, so the reader is used by one thread at a time; closing
     * waits for a read still running, so that the reader is closed only once nothing reads it.
     */
    private static final class Prefetch implements AutoCloseable {

        /** A read of the file that may fail on input. */
        interface Read {
            Batch get() throws IOException;
        }

        private final BackgroundWork background;
        private java.util.concurrent.CompletableFuture<Batch> inFlight;

        Prefetch(BackgroundWork background) {
            this.background = background;
        }

        java.util.concurrent.Future<Batch> read(Read read) {
            inFlight = background.supplyAsync(() -> {
                try {
                    return read.get();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return inFlight;
        }

        /** The batch read, or the read's own failure (an unreadable file, a parser's error) rethrown. */
        Batch await(java.util.concurrent.Future<Batch> batch) throws IOException {
            try {
                return batch.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the import file", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof java.io.UncheckedIOException io) {
                    throw io.getCause();
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public void close() {
            if (inFlight != null) {
                try {
                    inFlight.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException e) {
                    // the job already stopped for another reason; the read's failure adds nothing
                }
            }
        }
    }

    /** The first row after the checkpoint ({@code rowsDone}), or null when there is none. */
    private static ImportReader.Row skipDone(ImportReader reader, long rowsDone) throws IOException {
        ImportReader.Row row;
        do {
            row = reader.next();
        } while (row != null && row.number() <= rowsDone);
        return row;
    }

    /** Reads and parses up to {@code size} rows from {@code first} on; the batch knows the row after it. */
    private Batch readBatch(ImportReader reader, ImportReader.Row first, int size, ImportFormat format)
            throws IOException {
        List<RowParser.Parsed> valid = new ArrayList<>(size);
        List<RowError> errors = new ArrayList<>();
        long rejected = 0;
        long last = first.number();
        long end = first.end();
        ImportReader.Row row = first;
        for (int i = 0; i < size && row != null; i++) {
            RowParser.Parsed parsed = format != ImportFormat.FHIR_NDJSON ? parser.parse(row)
                    : row.error() != null ? new RowParser.Parsed(row.number(), null, List.of(row.error()))
                    : new RowParser.Parsed(row.number(), row.node(), List.of());
            if (parsed.errors().isEmpty()) {
                valid.add(parsed);
            } else {
                errors.addAll(parsed.errors());
                rejected++;
            }
            last = row.number();
            end = row.end();
            row = reader.next();
        }
        return new Batch(valid, errors, rejected, last, end, row);
    }

    /**
     * Commits a batch in one transaction, under the lease: its records and outbox rows, its row errors and the job's
     * checkpoint. Returns whether the job was asked to stop.
     */
    private boolean commit(ImportJobStore.Job job, ImportJobStore.Lease lease, int number, Batch read,
                           PhaseTimes times) {
        long[] mark = new long[1];
        boolean cancel = QuarkusTransaction.requiringNew().call(() -> {
            ImportWriter.Outcome outcome = jobs.inTransaction(c -> {
                // No erasure commits between the batch's look at the register and its commit (first, before any
                // other lock: an erasure waiting on this batch must hold nothing the batch needs).
                ErasureRegister.holdErasures(c);
                jobs.checkLease(c, lease);
                return writer.write(c, job.id(), number, read.valid());
            });
            times.addAll(outcome.times);
            mark[0] = System.nanoTime();
            List<RowError> all = new ArrayList<>(read.errors());
            all.addAll(outcome.errors);
            all.addAll(outcome.notes);
            all.sort(java.util.Comparator.comparingLong(RowError::row));
            if (crashBeforeCommit && crashAtBatch == number) {
                throw new SimulatedCrash(number);
            }
            Pause pause = this.pause;
            if (pause != null && pause.batch == number) {
                pause.hold();
            }
            ImportJobStore.Progress progress = new ImportJobStore.Progress(read.rowsDone(), read.bytesDone(),
                    outcome.inserted, outcome.updated, outcome.unchanged, read.rejected() + outcome.errors.size());
            boolean stop = jobs.inTransaction(c -> {
                jobs.addErrors(c, job.id(), all, config.maxErrors());
                return jobs.checkpoint(c, lease, progress);
            });
            mark[0] = times.lap("row errors and checkpoint", mark[0]);
            return stop;
        });
        times.lap("commit", mark[0]);
        return cancel;
    }

    /**
     * A batch of FHIR resources: each row applied by the {@link ResourceRows} in a transaction of its own (a refused
     * row is that row's errors, the rest land), then the row errors and the checkpoint in one transaction under the
     * lease. A process that dies mid-batch leaves some of its rows applied; resumed, the batch applies them again,
     * which changes nothing, as every resource is matched by its identifiers. Returns whether the job was asked to stop.
     */
    private boolean commitResources(ImportJobStore.Job job, ImportJobStore.Lease lease, Batch read) {
        if (lost) {
            throw new ImportJobStore.LeaseLost(lease);
        }
        List<RowError> all = new ArrayList<>(read.errors());
        long inserted = 0;
        long updated = 0;
        long unchanged = 0;
        long refused = 0;
        for (RowParser.Parsed row : read.valid()) {
            if (resourceRows.isUnsatisfied()) {
                all.add(new RowError(row.row(), null, "FHIR resources are not taken by this service"));
                refused++;
                continue;
            }
            try {
                switch (resourceRows.get().apply(job.id(),
                        (com.fasterxml.jackson.databind.node.ObjectNode) row.value())) {
                    case INSERTED -> inserted++;
                    case UPDATED -> updated++;
                    default -> unchanged++;
                }
            } catch (health.circles.failure.DomainException e) {
                if (e.errors().isEmpty()) {
                    all.add(new RowError(row.row(), null, e.detail() == null ? e.title() : e.detail()));
                } else {
                    e.errors().forEach(f -> all.add(new RowError(row.row(), f.field(), f.reason())));
                }
                refused++;
            } catch (jakarta.validation.ConstraintViolationException e) {
                e.getConstraintViolations().forEach(v -> all.add(new RowError(row.row(),
                        v.getPropertyPath().toString(), v.getMessage())));
                refused++;
            }
        }
        all.sort(java.util.Comparator.comparingLong(RowError::row));
        ImportJobStore.Progress progress = new ImportJobStore.Progress(read.rowsDone(), read.bytesDone(), inserted,
                updated, unchanged, read.rejected() + refused);
        return QuarkusTransaction.requiringNew().call(() -> jobs.inTransaction(c -> {
            jobs.checkLease(c, lease);
            jobs.addErrors(c, job.id(), all, config.maxErrors());
            return jobs.checkpoint(c, lease, progress);
        }));
    }

    /** Ends a job under its lease with its change event, in one transaction; false when the lease was lost. */
    private boolean finish(ImportJobStore.Lease lease, ImportState state, String error) {
        return QuarkusTransaction.requiringNew().call(() -> {
            boolean finished = jobs.finish(lease, state, error);
            if (finished) {
                events.record(health.circles.events.Change.of(state == ImportState.SUCCEEDED
                        ? health.circles.events.EventTypes.IMPORT_COMPLETED
                        : health.circles.events.EventTypes.IMPORT_FAILED, lease.job(), null));
            }
            return finished;
        });
    }

    /** Ends a job read to its end, and deletes its file, unless its lease was lost first. */
    private void succeed(ImportJobStore.Job job, ImportJobStore.Lease lease, Path file, long started, PhaseTimes times)
            throws IOException {
        if (finish(lease, ImportState.SUCCEEDED, null)) {
            Files.deleteIfExists(file);
            LOG.infof("Import %s succeeded in %d ms (%s)", job.id(), (System.nanoTime() - started) / 1_000_000,
                    times);
        } else {
            LOG.warnf("Import %s: read to the end, but its lease %d was lost first; the new holder finishes it",
                    job.id(), lease.token());
        }
    }

    /**
     * What a failed job says about its failure, kept on the job and shown to whoever reads it: the reader's own
     * description when the file cannot be read, otherwise a pointer to the log, never a database's or a library's raw
     * message (which may quote a row's content).
     */
    static String failure(Exception e) {
        if (e instanceof ImportReader.Unreadable) {
            return e.getMessage();
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "the import file is no longer in the imports folder; upload it again (rows already imported are "
                    + "recognised)";
        }
        return "stopped by an internal error (" + e.getClass().getSimpleName() + "); the service log has the details. "
                + "Resume the import once it is fixed: it goes on from its last committed batch";
    }

    /** Stands in for the process dying, in tests of resumption. */
    static final class SimulatedCrash extends RuntimeException {
        final int batch;

        SimulatedCrash(int batch) {
            super("simulated crash at batch " + batch, null, false, false);
            this.batch = batch;
        }
    }

    /** Test hook: simulate the process dying at batch {@code batch}, before or after its commit; 0 for never. */
    void simulateCrash(int batch, boolean beforeCommit) {
        crashBeforeCommit = beforeCommit;
        crashAtBatch = batch;
    }

    /** Test hook: a batch that stalls before its checkpoint until released, as a replica stuck in a long batch. */
    static final class Pause {
        final int batch;
        final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        Pause(int batch) {
            this.batch = batch;
        }

        private void hold() throws InterruptedException {
            reached.countDown();
            if (!released.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("paused batch " + batch + " was never released");
            }
        }
    }

    /**
     * Ends this replica's hold on its job. Synchronised with {@link #heartbeat()}: once it returns, no renewal of the
     * lease is in flight or still to come, so a job this replica stopped running goes stale on time.
     */
    private synchronized void release() {
        held = null;
    }

    /** The lease this replica holds now, or null. */
    ImportJobStore.Lease heldLease() {
        return held;
    }

    /** Test hook: the batch to stall, or null. */
    private volatile Pause pause;

    /** Test hook: stall the batch {@code pause} names, or none (null). A method, as tests hold a client proxy. */
    void pause(Pause pause) {
        this.pause = pause;
    }

    /** Test hook: how many simulated crashes happened. */
    int crashes() {
        return crashes.get();
    }

}
