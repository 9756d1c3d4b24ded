package health.circles.outreach;

import health.circles.contact.Channel;
import health.circles.contact.ContactKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A seed selection request: one target (community, contacts or the whole network), k, the channel outreach will use,
 * and the options. Everything optional left out takes the configured default.
 */
@Schema(name = "SeedRequest")
public record SeedRequest(
        @Schema(description = "Target: a community id of the latest successful analytics run (its primary members)")
        Long community,
        @Schema(description = "With community: also its secondary (overlapping) members; default false")
        Boolean includeSecondary,
        @Schema(description = "Target: these contacts (at most 5000)")
        @Size(max = 5000) List<@NotNull UUID> contacts,
        @Schema(description = "Target: every contact in the graph (true)")
        Boolean network,
        @Schema(description = "Target: the members of this saved segment who may be approached on the channel")
        UUID segment,
        @Schema(description = "Seeds wanted, 1 to 200", required = true)
        @NotNull @Min(1) @Max(200) Integer k,
        @Schema(description = "Channel the outreach uses: seeds have consent for it", required = true)
        @NotNull Channel channel,
        @Schema(description = "Also contacts who never answered for the channel (UNKNOWN); default false (GRANTED only)")
        Boolean allowUnknownConsent,
        @Valid SeedModel model,
        @Schema(description = "Kinds to prefer, e.g. PHYSICIAN, NURSE, COMMUNITY_LEADER: their reach is weighted up")
        @Size(max = 8) List<@NotNull ContactKind> prefer,
        @Schema(description = "Weight on a preferred contact's reach, 1 to 10 (default 1.25)")
        @DecimalMin("1.0") @DecimalMax("10.0") Double preferWeight,
        @Schema(description = "Contacts never to choose (e.g. those already in an active campaign), at most 5000")
        @Size(max = 5000) List<@NotNull UUID> exclude,
        @Schema(description = "Never choose seeds or targets of a campaign still ACTIVE (true); default false")
        Boolean excludeActiveCampaigns,
        @Schema(description = "At most ceil(k / sub-communities) seeds per finer community of the target (analytics run)")
        Boolean spread,
        @Schema(description = "ANYWHERE (default): any consenting contact whose word reaches the target; TARGET: members only")
        SeedsFrom seedsFrom,
        @Schema(description = "Seed of every random draw; same graph, request and seed give the same answer")
        Long randomSeed,
        @Schema(description = "How seeds are chosen: imm (default), degree, pagerank, nominated-friend, acquaintance, "
                + "clustered, random (docs/outreach.md)")
        SeedStrategy strategy,
        @Schema(description = "A Graph-Position from a write to wait for (default: every committed write)")
        @Min(0) Long consistentWith) {

    /** Where seeds may come from. */
    public enum SeedsFrom {
        ANYWHERE, TARGET
    }

    /** The diffusion model and its sampling; every field optional. */
    @Schema(name = "SeedModel")
    public record SeedModel(
            @Schema(description = "INDEPENDENT_CASCADE (default) or THRESHOLD (complex contagion; also written "
                    + "independent-cascade, threshold)") ModelType type,
            @Schema(description = "p = min(maxProbability, scale × strength): the scale (default 0.1)")
            @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("10.0") Double scale,
            @Schema(description = "Largest edge probability (default 0.3)")
            @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("1.0") Double maxProbability,
            @Schema(description = "IMM's ε, 0.05 to 1 (default 0.1): smaller is closer to optimal and slower")
            @DecimalMin("0.05") @DecimalMax("1.0") Double epsilon,
            @Schema(description = "Forward cascades measuring coverage, 100 to 10000 (default 1000)")
            @Min(100) @Max(10000) Integer simulations,
            @Schema(description = "THRESHOLD: a contact adopts once this share of its ties (0 < f <= 1) have adopted "
                    + "and passed the word; give this or thresholdCount")
            Double thresholdFraction,
            @Schema(description = "THRESHOLD: a contact adopts once this many of its ties (1 to 100) have adopted and "
                    + "passed the word; give this or thresholdFraction")
            @Min(1) @Max(100) Integer thresholdCount) {
    }

    /** Diffusion models on offer. */
    @Schema(enumeration = {"INDEPENDENT_CASCADE", "THRESHOLD"})
    public enum ModelType {
        INDEPENDENT_CASCADE, THRESHOLD;

        /** Accepts INDEPENDENT_CASCADE and independent-cascade, THRESHOLD and threshold; anything else is a 400. */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static ModelType of(String code) {
            String name = code == null ? "" : code.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            for (ModelType t : values()) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown model " + code + "; one of independent-cascade, threshold");
        }
    }
}
