package health.circles.imports;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Bulk imports: where uploads wait, how big they may be, and how rows are grouped into transactions. */
@ConfigMapping(prefix = "circles.imports")
public interface ImportConfig {

    /**
     * Folder of uploaded files; a job's file stays until the job ends, so that it can be resumed. With more than one
     * replica, a volume they all mount (ReadWriteMany): any replica may take a queued job or resume one whose replica
     * died (deploy/README.md).
     */
    @WithDefault("data/imports")
    String dir();

    /** Largest upload accepted, from admin and integration tokens only (web.BodyLimits; every other route: 1 MB). */
    @WithDefault("200M")
    MemorySize maxSize();

    /** Rows per batch: each batch is one PostgreSQL transaction with its outbox rows and checkpoint. */
    @WithDefault("5000")
    int batchSize();

    /** Row errors kept per job; later ones are counted but not listed. */
    @WithDefault("10000")
    int maxErrors();

    /**
     * A RUNNING job whose lease was not renewed for this long (by the database's clock) belongs to a replica that
     * died or hung: another replica takes it over from its last checkpoint. At least three heartbeats.
     */
    @WithDefault("60s")
    Duration staleAfter();

    /**
     * How long the file of a failed or cancelled import is kept for a resume after the job ended; then UploadSweep
     * deletes it and a resume answers 409 import-file-gone (rows already imported are recognised on a new upload).
     */
    @WithDefault("30d")
    Duration keepEnded();

    /**
     * An upload file that no job needs (its request failed between storing it and queueing the job, its process died
     * meanwhile, or its job succeeded but the file could not be deleted) is deleted once unchanged for this long.
     */
    @WithDefault("1h")
    Duration orphanAfter();

    /** How often each replica sweeps the folder for such files. */
    @WithDefault("1h")
    Duration sweepEvery();

    /** How often a replica renews the lease of the job it runs, independently of how long its batches take. */
    @WithDefault("10s")
    Duration heartbeat();
}
