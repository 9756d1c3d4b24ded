package health.circles.imports;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.AsRole;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An upload's file lives exactly as long as a job may read it: a request that fails before its job exists takes its
 * file with it, and the sweep removes what a dead process, a finished job or the retention of ended jobs leaves.
 */
@QuarkusTest
@AsRole("admin")
class UploadSweepTest {

    @Inject
    ImportService imports;

    @Inject
    UploadSweep sweep;

    @Inject
    ImportConfig config;

    @Inject
    AgroalDataSource db;

    private final List<UUID> rows = new java.util.ArrayList<>();

    @AfterEach
    void dropRows() throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM import_job WHERE id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("uuid", rows.toArray()));
            s.executeUpdate();
        }
    }

    @Test
    void aJobThatCannotBeCreatedTakesItsUploadWithIt() {
        ImportService.Upload first = imports.receive(ndjson(), ImportFormat.NDJSON, null, null);
        imports.queue(first);
        ImportService.Upload second = imports.receive(ndjson(), ImportFormat.NDJSON, null, null);
        // the same job id twice: the insert fails on the primary key, after the file was stored
        ImportService.Upload clash = new ImportService.Upload(first.id(), second.file(), second.size(), second.sha256(),
                second.format(), null, null);

        assertThrows(RuntimeException.class, () -> imports.queue(clash));

        assertFalse(Files.exists(second.file()), "the upload whose job failed is deleted");
    }

    @Test
    void anUnreadableCsvHeadTakesItsUploadWithIt() throws IOException {
        UUID id = UUID.randomUUID();
        Path unreadable = Files.createDirectories(Path.of(config.dir(), id + ".csv")); // reading it fails
        ImportService.Upload upload = new ImportService.Upload(id, unreadable, 10, new byte[32], ImportFormat.CSV,
                "contact", null);

        assertThrows(UncheckedIOException.class, () -> imports.queue(upload));

        assertFalse(Files.exists(unreadable));
    }

    @Test
    void anUploadCutOffMidwayLeavesNoPartBehind() throws IOException {
        Set<Path> before = files("*.part");
        InputStream broken = new InputStream() {
            private int left = 200_000;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    throw new IOException("connection reset");
                }
                int n = Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };

        assertThrows(UncheckedIOException.class, () -> imports.receive(broken, ImportFormat.NDJSON, null, null));

        assertEquals(before, files("*.part"));
    }

    @Test
    void theSweepDeletesWhatNoJobNeedsOnceItIsOld() throws Exception {
        Instant now = Instant.now();
        Instant old = now.minus(config.orphanAfter()).minusSeconds(60);
        Path orphan = file(UUID.randomUUID() + ".ndjson", old);
        Path youngOrphan = file(UUID.randomUUID() + ".csv", now);
        Path deadPart = file(UUID.randomUUID() + ".part", old);
        Path deadScrub = file(UUID.randomUUID() + ".ndjson.scrub", old);
        Path notOurs = file("operator-notes.txt", old);
        Path running = job("RUNNING", null, old);
        Path failedRecently = job("FAILED", now.minus(Duration.ofDays(1)), old);
        Path cancelledRecently = job("CANCELLED", now.minus(Duration.ofHours(2)), old);
        Path failedLongAgo = job("FAILED", now.minus(config.keepEnded()).minus(Duration.ofDays(1)), old);
        Path succeeded = job("SUCCEEDED", now.minus(Duration.ofHours(2)), old);

        int deleted = sweep.sweep(now);

        assertTrue(deleted >= 5, "deleted " + deleted);
        for (Path gone : List.of(orphan, deadPart, deadScrub, failedLongAgo, succeeded)) {
            assertFalse(Files.exists(gone), gone + " is deleted");
        }
        for (Path kept : List.of(youngOrphan, notOurs, running, failedRecently, cancelledRecently)) {
            assertTrue(Files.exists(kept), kept + " is kept");
            Files.delete(kept);
        }
    }

    @Test
    void aFailedJobWhoseFileWasSweptCannotBeResumed() throws Exception {
        Path file = job("FAILED", Instant.now().minus(config.keepEnded()).minus(Duration.ofDays(1)),
                Instant.now().minus(Duration.ofDays(40)));
        sweep.sweep(Instant.now());
        UUID id = rows.get(rows.size() - 1);

        given().post("/api/v1/imports/" + id + "/resume").then().statusCode(409)
                .body("type", endsWith("import-file-gone"));

        assertFalse(Files.exists(file));
    }

    private Path job(String state, Instant finishedAt, Instant modified) throws Exception {
        UUID id = UUID.randomUUID();
        Path file = file(id + ".ndjson", modified);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO import_job (id, state, format, file_name, size_bytes, batch_size, finished_at,
                                        started_at, heartbeat_at, lease_owner)
                VALUES (?, ?, 'NDJSON', ?, ?, 100, ?, now(), now(), 'another-replica')""")) {
            s.setObject(1, id);
            s.setString(2, state);
            s.setString(3, file.getFileName().toString());
            s.setLong(4, Files.size(file));
            s.setTimestamp(5, finishedAt == null ? null : Timestamp.from(finishedAt));
            s.executeUpdate();
        }
        rows.add(id);
        return file;
    }

    private Path file(String name, Instant modified) throws IOException {
        Path file = Files.createDirectories(Path.of(config.dir())).resolve(name);
        Files.writeString(file, "{\"record\":\"contact\",\"externalId\":\"sweep-1\",\"kind\":\"PATIENT\"}\n");
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private Set<Path> files(String glob) throws IOException {
        Set<Path> found = new HashSet<>();
        Path dir = Files.createDirectories(Path.of(config.dir()));
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, glob)) {
            all.forEach(found::add);
        }
        return found;
    }

    private static InputStream ndjson() {
        String id = "sweep-" + UUID.randomUUID();
        return new ByteArrayInputStream(("{\"record\":\"contact\",\"externalId\":\"" + id
                + "\",\"kind\":\"PATIENT\",\"familyName\":\"Sweep\"}\n").getBytes(StandardCharsets.UTF_8));
    }
}
