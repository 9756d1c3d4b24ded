package health.circles.outreach;

import com.fasterxml.jackson.annotation.JsonInclude;
import health.circles.analytics.Metric;
import health.circles.contact.ContactKind;
import health.circles.group.GroupKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What a segment selects: every criterion given must hold (AND); the values of one list are alternatives (OR). */
@Schema(name = "SegmentFilter")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SegmentFilter(
        @Schema(description = "Community ids of the latest analytics run, any level")
        @Size(max = 50) List<@NotNull @Min(0) Long> communities,
        @Schema(description = "ANY (default): primary or secondary membership; PRIMARY: primary only")
        Membership membership,
        @Size(max = 8) List<@NotNull ContactKind> kinds,
        @Schema(description = "Any of these tags (case-insensitive)")
        @Size(max = 50) List<@NotBlank @Size(max = 50) String> tags,
        @Schema(description = "Any of these languages (BCP 47, e.g. es)")
        @Size(max = 50) List<@NotBlank @Size(max = 20) String> languages,
        @Schema(description = "Any of these postal codes (exact, case-insensitive)")
        @Size(max = 500) List<@NotBlank @Size(max = 11) String> postalCodes,
        @Valid Influence influence,
        @Valid TieTo tieTo,
        @Schema(description = "These contacts only: a hand-picked list, such as a selection on the map (at most 2000). "
                + "Leave it out for no hand-picked list: an empty list picks nobody (as it reads back once every picked "
                + "contact was erased), so the segment matches nobody")
        @Size(max = 2000) List<@NotNull UUID> contacts,
        @Schema(description = "Current members of any of these groups (a household, a care team …); a group deleted "
                + "later matches nobody")
        @Size(max = 50) List<@NotNull UUID> groups,
        @Schema(description = "Current members of any group of these kinds, e.g. SUPPORT_GROUP")
        @Size(max = 6) List<@NotNull GroupKind> groupKinds) {

    /** Which memberships of a community count. */
    @Schema(name = "SegmentMembership")
    public enum Membership {
        ANY, PRIMARY
    }

    /** Influence in the latest analytics run: a rank at or above maxRank, a score at or above minScore, or both. */
    @Schema(name = "SegmentInfluence")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Influence(
            @NotNull Metric metric,
            @Schema(description = "1 = most influential") @Min(1) @Max(10_000_000) Integer maxRank,
            @DecimalMin("0") @Max(1_000_000_000) Double minScore) {
    }

    /** Contacts joined to {@code contactId} by a path of at most {@code hops} active ties (the contact itself excluded). */
    @Schema(name = "SegmentTieTo")
    public record TieTo(
            @Schema(description = "null once the contact was erased: the criterion then matches nobody") @NotNull UUID contactId,
            @Schema(description = "1 to 3") @NotNull @Min(1) @Max(3) Integer hops) {
    }

    boolean needsAnalytics() {
        return (communities != null && !communities.isEmpty()) || influence != null;
    }
}
