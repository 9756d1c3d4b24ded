package health.circles.imports;

import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An import job as the API shows it. */
@Schema(name = "ImportJob")
public record ImportJobView(
        UUID id,
        ImportState state,
        ImportFormat format,
        @Schema(description = "CSV only: the record type of every row (contact, tie, touchpoint), or absent when the file has a record column") String recordType,
        @Schema(description = "Share of the file settled by committed batches, 0..100") double percent,
        Counts counts,
        @Schema(description = "Committed batches") int batches,
        @Schema(description = "Why the job failed, when it did") String error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {

    /** Rows by outcome; read = inserted + updated + unchanged + rejected. */
    public record Counts(long read, long inserted, long updated, long unchanged, long rejected) {
    }
}
