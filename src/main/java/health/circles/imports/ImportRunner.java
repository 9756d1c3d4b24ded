package health.circles.imports;

import health.circles.sync.CoalescingWorker;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Runs import jobs one at a time in the background: reads the file from the job's checkpoint, parses and validates a
 * batch of rows, and commits the batch's records, outbox rows, row errors and new checkpoint in one transaction. A
 * process that dies mid-batch leaves nothing of that batch; its job is resumed from the last checkpoint once its
 * heartbeat is stale (at start-up, on schedule, or on request).
 */
@ApplicationScoped
public class ImportRunner {

    private static final Logger LOG = Logger.getLogger(ImportRunner.class);

    private final ImportJobs jobs;
    private final RowParser parser;
    private final ImportWriter writer;
    private final ImportConfig config;
    private final EntityManager em;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final CoalescingWorker worker = new CoalescingWorker("imports", this::runAll);
    /** Test hook: the batch number (1-based) at which to simulate the process dying, and whether before its commit. */
    volatile int crashAtBatch;
    volatile boolean crashBeforeCommit;
    /** Test hook: how many simulated crashes happened. */
    final java.util.concurrent.atomic.AtomicInteger crashes = new java.util.concurrent.atomic.AtomicInteger();

    ImportRunner(ImportJobs jobs, RowParser parser, ImportWriter writer, ImportConfig config, EntityManager em,
                 com.fasterxml.jackson.databind.ObjectMapper json) {
        this.jobs = jobs;
        this.parser = parser;
        this.writer = writer;
        this.config = config;
        this.em = em;
        this.json = json;
    }

    void onStart(@Observes StartupEvent event) {
        wake();
    }

    void onStop(@Observes @jakarta.annotation.Priority(5) ShutdownEvent event) {
        worker.stop(true);
    }

    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        wake();
    }

    /** Runs queued (and orphaned) jobs; coalesces with a run already queued. */
    public void wake() {
        worker.wake();
    }

    private void runAll() {
        while (!worker.stopping()) {
            java.util.Optional<ImportJobs.Job> job;
            try {
                job = jobs.claimNext(config.staleAfter());
            } catch (RuntimeException e) {
                LOG.warn("Could not look for import jobs; retried on schedule", e);
                return;
            }
            if (job.isEmpty()) {
                return;
            }
            try {
                run(job.get());
            } catch (SimulatedCrash e) {
                LOG.warnf("Import %s: simulated crash at batch %d", job.get().id(), e.batch);
                crashes.incrementAndGet();
                return;
            }
        }
    }

    private void run(ImportJobs.Job job) {
        Path file = Path.of(config.dir(), job.fileName());
        long started = System.nanoTime();
        LOG.infof("Import %s: %s from row %d", job.id(), job.rowsDone() == 0 ? "starting" : "resuming", job.rowsDone() + 1);
        try (ImportReader reader = ImportReader.open(file, job.format(), job.recordType(), json)) {
            ImportReader.Row row;
            do {
                row = reader.next();
            } while (row != null && row.number() <= job.rowsDone());
            int batch = job.batches();
            while (row != null && !worker.stopping()) {
                List<RowParser.Parsed> valid = new ArrayList<>(job.batchSize());
                List<RowError> errors = new ArrayList<>();
                long rejected = 0;
                long last = row.number();
                long end = row.end();
                for (int i = 0; i < job.batchSize() && row != null; i++) {
                    RowParser.Parsed parsed = parser.parse(row);
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
                int number = ++batch;
                long rejectedRows = rejected;
                long rowsDone = last;
                long bytesDone = end;
                boolean cancel = QuarkusTransaction.requiringNew().call(() -> {
                    ImportWriter.Outcome outcome = writer.write(job.id(), number, valid);
                    List<RowError> all = new ArrayList<>(errors);
                    all.addAll(outcome.errors);
                    all.addAll(outcome.notes);
                    all.sort(java.util.Comparator.comparingLong(RowError::row));
                    if (crashBeforeCommit && crashAtBatch == number) {
                        throw new SimulatedCrash(number);
                    }
                    return em.unwrap(Session.class).doReturningWork(c -> {
                        jobs.addErrors(c, job.id(), all, config.maxErrors());
                        return jobs.checkpoint(c, job.id(), new ImportJobs.Progress(rowsDone, bytesDone,
                                outcome.inserted, outcome.updated, outcome.unchanged,
                                rejectedRows + outcome.errors.size()));
                    });
                });
                if (!crashBeforeCommit && crashAtBatch == number) {
                    throw new SimulatedCrash(number);
                }
                if (cancel) {
                    jobs.finish(job.id(), ImportState.CANCELLED, null);
                    LOG.infof("Import %s cancelled after batch %d", job.id(), number);
                    return;
                }
            }
            if (worker.stopping()) {
                return; // the job stays RUNNING and is resumed from its checkpoint by the next process
            }
            jobs.finish(job.id(), ImportState.SUCCEEDED, null);
            Files.deleteIfExists(file);
            LOG.infof("Import %s succeeded in %d ms", job.id(), (System.nanoTime() - started) / 1_000_000);
        } catch (SimulatedCrash e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (worker.stopping()) {
                return;
            }
            LOG.errorf(e, "Import %s failed", job.id());
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            jobs.finish(job.id(), ImportState.FAILED, message.length() > 1000 ? message.substring(0, 1000) : message);
        }
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

    /** Test hook: how many simulated crashes happened. */
    int crashes() {
        return crashes.get();
    }

}
