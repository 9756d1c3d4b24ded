package health.circles.imports;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Deletes the files in the imports folder that no job will read again, so that an upload's rows do not outlive their
 * use: uploads whose request failed or whose process died before the job was created, files of jobs that succeeded
 * but could not delete them, files of failed or cancelled jobs kept past {@code circles.imports.keep-ended}, and
 * partial uploads or scrub copies left by a process that died. Only files unchanged for
 * {@code circles.imports.orphan-after} are looked at: an upload being received, or received and about to be queued,
 * is younger than that. Each replica sweeps the folder it sees; with a shared folder two replicas may both delete one
 * file, which is harmless.
 */
@ApplicationScoped
class UploadSweep {

    private static final Logger LOG = Logger.getLogger(UploadSweep.class);
    /** What receive and the erasure scrub name their files: the job's id, the format, and a temporary suffix. */
    private static final Pattern NAME = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.(csv|ndjson|part|csv\\.scrub|ndjson\\.scrub)");

    private final ImportJobStore jobs;
    private final ImportConfig config;

    UploadSweep(ImportJobStore jobs, ImportConfig config) {
        this.jobs = jobs;
        this.config = config;
    }

    @Scheduled(every = "${circles.imports.sweep-every}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        try {
            sweep(Instant.now());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not sweep the imports folder; retried on schedule", e);
        }
    }

    /** Deletes the files no job needs that were last changed before {@code now} less orphan-after; returns how many. */
    synchronized int sweep(Instant now) throws IOException {
        Path dir = Path.of(config.dir());
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Instant before = now.minus(config.orphanAfter());
        List<Path> old = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                f -> NAME.matcher(f.getFileName().toString()).matches())) {
            for (Path file : files) {
                try {
                    if (Files.getLastModifiedTime(file).toInstant().isBefore(before)) {
                        old.add(file);
                    }
                } catch (NoSuchFileException e) {
                    // deleted meanwhile
                }
            }
        }
        if (old.isEmpty()) {
            return 0;
        }
        Set<String> inUse = jobs.filesInUse(old.stream().map(f -> f.getFileName().toString()).toList(),
                config.keepEnded());
        int deleted = 0;
        for (Path file : old) {
            if (!inUse.contains(file.getFileName().toString()) && Files.deleteIfExists(file)) {
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.infof("Deleted %d import file(s) that no job needs (orphaned uploads, or kept past their time)",
                    deleted);
        }
        return deleted;
    }
}
