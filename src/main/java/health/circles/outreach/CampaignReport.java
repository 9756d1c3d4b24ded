package health.circles.outreach;

import health.circles.contact.Channel;
import health.circles.security.AuditedRecord;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What a campaign achieved: reach and response overall, by community and by kind, per seed, and against prediction. */
@Schema(name = "CampaignReport")
public record CampaignReport(
        UUID campaignId,
        Channel channel,
        String state,
        int hops,
        @Schema(description = "The analytics run whose communities group the targets; null when none has succeeded") UUID analyticsRun,
        Figures totals,
        @Schema(description = "By primary community at the coarsest level of the run; community null for targets outside it") List<Group> byCommunity,
        List<Group> byKind,
        List<SeedReach> seeds,
        Prediction prediction) implements AuditedRecord {

    /** Reached: any outcome recorded; responseRate is responded / reached, reachRate reached / targets. */
    @Schema(name = "CampaignFigures")
    public record Figures(long targets, long reached, long responded, long declined, long optedOut, long pending,
                          long removed, Double reachRate, Double responseRate) {
    }

    /** The figures of one community or one kind. */
    @Schema(name = "CampaignGroup")
    public record Group(@Schema(description = "A community id or a contact kind") String key, long targets, long reached,
                        long responded, Double reachRate, Double responseRate) {
    }

    /** One seed's downstream reach: targets reached and responding within the campaign's hops of it. */
    @Schema(name = "CampaignSeedReach")
    public record SeedReach(UUID contactId, Integer expectedReach,
                            @Schema(description = "Targets within hops of the seed with any outcome") long reachedWithinHops,
                            @Schema(description = "Targets within hops of the seed that responded") long respondedWithinHops,
                            @Schema(description = "Outcomes recorded with this seed as via") long outcomesVia) {
    }

    /**
     * What the seed model predicted against what happened. Coverage is the share of targets reached that lie within
     * hops of some seed; reach is how many such targets there are, against the sum of the seeds' expected reach.
     */
    @Schema(name = "CampaignPrediction")
    public record Prediction(Double predictedCoverage, Double actualCoverage, Long expectedReach, long actualReach,
                             @Schema(description = "Targets within hops of some seed that responded") long respondedNearSeeds) {
    }

    @Override
    public String auditId() {
        return campaignId.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        Set<UUID> ids = new LinkedHashSet<>();
        seeds.forEach(s -> ids.add(s.contactId()));
        return ids;
    }
}
