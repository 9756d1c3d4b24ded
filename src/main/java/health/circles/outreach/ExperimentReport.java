package health.circles.outreach;

import health.circles.security.AuditedRecord;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What an experiment found, per arm: uptake among the targets with its intervals, the difference to the random arm,
 * and spillover to the targets who were not seeds, one and two ties from the arm's seeds. Names no contact.
 */
@Schema(name = "ExperimentReport")
public record ExperimentReport(
        UUID experimentId,
        @Schema(description = "ACTIVE or CLOSED: while ACTIVE, outcomes may still come in") String state,
        UUID analyticsRun,
        int level,
        long randomSeed,
        @Schema(description = "Who counts as an adopter") String adopter,
        @Schema(description = "How the intervals are formed") String intervals,
        @Schema(description = "The arms in the strategies' own order (imm, degree, pagerank, nominated-friend, acquaintance, clustered, random); random is the control") List<Arm> arms,
        List<String> notes) implements AuditedRecord {

    /** One arm's figures. */
    @Schema(name = "ExperimentArm")
    public record Arm(
            SeedStrategy strategy,
            @Schema(description = "Communities assigned to the arm") int communities,
            @Schema(description = "Targets in them (members who could be approached when the experiment started)")
            long targets,
            long seeds,
            @Schema(description = "Targets with a RESPONDED outcome") long adopters,
            @Schema(description = "adopters / targets with Wilson's 95 % interval (each target one observation)")
            Estimate uptake,
            @Schema(description = "Mean of the communities' own uptakes with a t interval over communities (each "
                    + "community, the randomised unit, one observation); the one to read")
            Estimate communityUptake,
            @Schema(description = "This arm minus random: individual (Newcombe) and by community (t); absent for "
                    + "the random arm itself") Difference overRandom,
            @Schema(description = "Targets who were not seeds, one active tie from one of the arm's seeds")
            Spillover oneHop,
            @Schema(description = "Targets who were not seeds, exactly two active ties from the nearest of the arm's "
                    + "seeds") Spillover twoHops) {
    }

    /** An estimate with its 95 % interval; parts are null when they cannot be formed (no one counted, too few communities). */
    @Schema(name = "ExperimentEstimate")
    public record Estimate(Double value, Double low, Double high) {
        static Estimate of(UptakeIntervals.Interval i) {
            return new Estimate(i.value(), i.low(), i.high());
        }
    }

    /** An arm against the random arm. */
    @Schema(name = "ExperimentDifference")
    public record Difference(
            @Schema(description = "Difference of pooled uptakes with Newcombe's hybrid score interval") Estimate individual,
            @Schema(description = "Difference of mean community uptakes with a t interval (Welch's standard error, "
                    + "min(m1, m2) - 1 degrees of freedom)") Estimate byCommunity,
            @Schema(description = "The community interval lies above 0") boolean clear) {
    }

    /** Uptake among non-seed targets at one distance from the arm's seeds. */
    @Schema(name = "ExperimentSpillover")
    public record Spillover(long targets, long adopters,
                            @Schema(description = "adopters / targets with Wilson's 95 % interval") Estimate uptake) {
    }

    @Override
    public String auditId() {
        return experimentId.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        return Set.of();
    }
}
