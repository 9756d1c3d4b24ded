package health.circles.security;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The result of checking the audit trail's hash chain from its first row to its last. */
@Schema(name = "AuditVerification")
public record AuditVerification(
        @Schema(description = "true when every row matches its hash and links to the row before it") boolean intact,
        @Schema(description = "Rows checked") long rows,
        Long firstId,
        Long lastId,
        @Schema(description = "Hash of the newest row (hex): keep it outside the database to detect later rewriting "
                + "of the whole chain") String headHash,
        @Schema(description = "The first row where the chain breaks; absent when intact") Break brokenAt,
        @Schema(description = "Whether the role the service connects as could change or remove rows; false in a "
                + "deployment set up as docs/security.md says") boolean serviceRoleCanRewrite) {

    /** Where and how the chain breaks. */
    @Schema(name = "AuditChainBreak")
    public record Break(long id,
                        @Schema(description = "changed: the row's content no longer matches its hash; relinked: it "
                                + "does not link to the row before it (a row was removed or inserted)") String kind,
                        String detail) {
    }
}
