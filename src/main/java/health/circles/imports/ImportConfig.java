package health.circles.imports;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Bulk imports: where uploads wait, how big they may be, and how rows are grouped into transactions. */
@ConfigMapping(prefix = "circles.imports")
public interface ImportConfig {

    /** Folder of uploaded files; a job's file stays until the job ends, so that it can be resumed. */
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

    /** A RUNNING job whose heartbeat is older than this belongs to a process that died: it is resumed. */
    @WithDefault("60s")
    Duration staleAfter();
}
