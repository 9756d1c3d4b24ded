package health.circles.imports;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Why one row of an import was rejected. */
@Schema(name = "ImportRowError")
public record RowError(
        @Schema(description = "1-based row number in the file (data rows; a CSV header is not counted)") long row,
        @Schema(description = "The field at fault, when one is") String field,
        String reason) {

    /**
     * A reason may quote the row (a parse error, an unknown field's name); what PostgreSQL cannot store in the job's
     * error table, such as NUL, is replaced so that reporting a bad row cannot fail the job.
     */
    public RowError {
        field = health.circles.web.InputRules.scrub(field);
        reason = health.circles.web.InputRules.scrub(reason);
    }
}
