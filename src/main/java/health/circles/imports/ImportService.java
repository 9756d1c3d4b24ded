package health.circles.imports;

import health.circles.failure.Conflict;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.TooLarge;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Bulk imports: takes an upload to disk, queues it as a job, and reports on jobs. */
@ApplicationScoped
public class ImportService {

    private static final Logger LOG = Logger.getLogger(ImportService.class);

    private final health.circles.events.ChangeEvents events;
    private final ImportJobStore jobs;
    private final ImportRunner runner;
    private final ImportConfig config;

    ImportService(ImportJobStore jobs, ImportRunner runner, ImportConfig config,
                  health.circles.events.ChangeEvents events) {
        this.events = events;
        this.jobs = jobs;
        this.runner = runner;
        this.config = config;
    }

    /** Streams the body to the imports folder (up to the configured size), checks its head, and queues a job. */
    public ImportJobView submit(InputStream body, ImportFormat format, String recordType, Integer batchSize) {
        return queue(receive(body, format, recordType, batchSize));
    }

    /**
     * An upload stored in the imports folder and hashed, not queued yet: what an Idempotency-Key is checked against
     * before the job exists. {@code sha256} covers the format, the CSV record type, the batch size and the bytes.
     */
    public record Upload(UUID id, Path file, long size, byte[] sha256, ImportFormat format, String recordType,
                         Integer batchSize) {
    }

    /** Checks the parameters and streams the body to the imports folder (up to the configured size), hashing it. */
    public Upload receive(InputStream body, ImportFormat format, String recordType, Integer batchSize) {
        if (recordType != null && !ImportColumns.RECORD_TYPES.contains(recordType)) {
            throw InvalidInput.field("type", "must be one of contact, tie, touchpoint");
        }
        if (recordType != null && format != ImportFormat.CSV) {
            throw InvalidInput.field("type", "applies to CSV only; NDJSON rows carry a \"record\" field, FHIR "
                    + "rows a resourceType");
        }
        if (batchSize != null && (batchSize < 1 || batchSize > 50_000)) {
            throw InvalidInput.field("batchSize", "must be between 1 and 50000");
        }
        UUID id = UUID.randomUUID();
        Path dir = Path.of(config.dir());
        Path file = dir.resolve(id + (format == ImportFormat.CSV ? ".csv" : ".ndjson"));
        long size;
        MessageDigest sha256 = sha256();
        sha256.update((format + "\n" + recordType + "\n" + batchSize + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            Files.createDirectories(dir);
            Path partial = dir.resolve(id + ".part");
            try (OutputStream out = Files.newOutputStream(partial)) {
                size = copy(new DigestInputStream(body, sha256), out, config.maxSize().asLongValue());
            } catch (OverLimit e) {
                deleteQuietly(partial);
                throw new TooLarge("Content Too Large",
                        "An import file may be at most " + config.maxSize().asLongValue() + " bytes");
            } catch (IOException | RuntimeException e) {
                deleteQuietly(partial); // the client went away mid-upload, or the disk failed: keep no part of it
                throw e;
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not store the upload", e);
        }
        return new Upload(id, file, size, sha256.digest(), format, recordType, batchSize);
    }

    /** Queues a received upload as a job. */
    public ImportJobView queue(Upload upload) {
        return queue(upload.id(), upload.file(), upload.size(), upload.format(), upload.recordType(),
                upload.batchSize());
    }

    /** Drops a received upload that will not become a job (its Idempotency-Key answered already, or failed). */
    public void discard(Upload upload) {
        deleteQuietly(upload.file());
    }

    /** Queues an import of a file already on disk in the imports folder (the demo data set). */
    public ImportJobView submitFile(Path file, ImportFormat format) {
        try {
            UUID id = UUID.randomUUID();
            Path target = Path.of(config.dir()).resolve(id + ".ndjson");
            Files.createDirectories(target.getParent());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            return queue(id, target, Files.size(target), format, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks the file's head and creates its job. A file that does not become a job is deleted on every path out of
     * here, refused or failed: an upload's rows must not outlive the request that brought them (UploadSweep removes
     * what a process that died in between left).
     */
    private ImportJobView queue(UUID id, Path file, long size, ImportFormat format, String recordType,
                                Integer batchSize) {
        try {
            createJob(id, file, size, format, recordType, batchSize);
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
        runner.wake();
        return get(id);
    }

    private void createJob(UUID id, Path file, long size, ImportFormat format, String recordType,
                           Integer batchSize) {
        if (size == 0) {
            throw InvalidInput.request("empty-import", "The file is empty");
        }
        if (format == ImportFormat.CSV) {
            String problem;
            try {
                String header = ImportReader.firstLine(file);
                problem = ImportReader.checkCsvHeader(Arrays.stream(header.split(",", -1)).map(String::strip)
                        .map(h -> h.replace("\"", "")).toList(), recordType);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (problem != null) {
                throw InvalidInput.request("invalid-csv-header", "CSV header: " + problem);
            }
        }
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            jobs.create(id, format, recordType, file.getFileName().toString(), size,
                    batchSize == null ? config.batchSize() : batchSize);
            events.record(health.circles.events.Change.of(health.circles.events.EventTypes.IMPORT_CREATED, id, null));
        });
    }

    public ImportJobView get(UUID id) {
        return jobs.find(id).orElseThrow(() -> new NotFound("Import", id)).view();
    }

    public Page<RowError> errors(UUID id, Cursor after, int limit) {
        get(id);
        long afterRow = 0;
        int afterSeq = -1;
        if (after != null) {
            try {
                String[] parts = after.key().split(":");
                afterRow = Long.parseLong(parts[0]);
                afterSeq = Integer.parseInt(parts[1]);
            } catch (RuntimeException e) {
                throw InvalidInput.field("cursor", "is not a cursor returned by this listing");
            }
        }
        List<Integer> seqs = new ArrayList<>();
        List<RowError> found = jobs.errors(id, afterRow, afterSeq, limit + 1, seqs);
        boolean more = found.size() > limit;
        List<RowError> page = more ? found.subList(0, limit) : found;
        String next = more ? new Cursor(page.get(limit - 1).row() + ":" + seqs.get(limit - 1), id).encode() : null;
        return Page.counted(page, next, jobs.errorCount(id));
    }

    public ImportJobView cancel(UUID id) {
        ImportJobView job = get(id);
        if (job.state().finished()) {
            throw new Conflict("import-finished", "Import " + id + " already ended: "
                    + job.state());
        }
        jobs.requestCancel(id);
        return get(id);
    }

    /** Queues a failed, cancelled or orphaned job again; it goes on from its last committed batch. */
    public ImportJobView resume(UUID id) {
        ImportJobView job = get(id);
        if (!jobs.requeue(id, config.staleAfter())) {
            throw new Conflict("import-not-resumable", "Import " + id + " is " + job.state()
                    + (job.state() == ImportState.RUNNING ? " and alive" : "") + "; only FAILED, CANCELLED or "
                    + "orphaned RUNNING imports can be resumed");
        }
        if (!Files.exists(Path.of(config.dir(), jobs.find(id).orElseThrow().fileName()))) {
            jobs.requestCancel(id);
            throw new Conflict("import-file-gone", "The file of import " + id
                    + " is no longer stored; upload it again (rows already imported are recognised)");
        }
        runner.wake();
        return get(id);
    }

    private static long copy(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > max) {
                throw new OverLimit();
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // UploadSweep removes it once it is older than circles.imports.orphan-after
            LOG.warnf("Could not delete %s (%s); swept later", file.getFileName(), e.getMessage());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class OverLimit extends IOException {
    }
}
