package health.circles.outreach;

import health.circles.contact.Channel;
import health.circles.security.AuditedRecord;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of a seed selection: the seeds, what they are expected to reach, and the naive pick beside them. */
@Schema(name = "SeedSelection")
public record SeedSelection(
        SeedTargetView target,
        int k,
        Channel channel,
        @Schema(description = "How the seeds were chosen") SeedStrategy strategy,
        @Schema(description = "Seed of every random draw of this answer") long randomSeed,
        SeedModelView model,
        @Schema(description = "How IMM sampled (strategy imm only)") SeedSampling sampling,
        @Schema(description = "Contacts that could be seeds: consenting for the channel, not do-not-contact, not excluded")
        int candidates,
        @Schema(description = "In the order chosen") List<Seed> seeds,
        SeedCoverage coverage,
        SeedBaseline naive,
        SeedComparison comparison,
        SeedGraphView graph,
        @Schema(description = "Milliseconds per phase") Map<String, Long> timings,
        List<String> notes) implements AuditedRecord {

    @Override
    public String auditId() {
        return null;
    }

    @Override
    public Set<UUID> auditContacts() {
        Set<UUID> ids = new LinkedHashSet<>();
        seeds.forEach(s -> ids.add(s.contactId()));
        naive.seeds().forEach(s -> ids.add(s.contactId()));
        return ids;
    }

    /** What was targeted. */
    @Schema(name = "SeedTarget")
    public record SeedTargetView(
            @Schema(description = "COMMUNITY, SEGMENT, CONTACTS or NETWORK") String kind,
            Long community,
            @Schema(description = "Analytics run the community and the sub-communities come from") UUID runId,
            @Schema(description = "Contacts in the target") int size,
            @Schema(description = "Of them, not (yet) in the graph: reachable only as seeds themselves") int notInGraph) {
    }

    /** The model as applied. */
    @Schema(name = "SeedModelView")
    public record SeedModelView(
            @Schema(description = "INDEPENDENT_CASCADE or THRESHOLD") String type, String mapping, double scale,
            double maxProbability,
            @Schema(description = "Which way word travels along each tie type") Map<String, String> flows,
            @Schema(description = "When a contact adopts") String adoption,
            @Schema(description = "THRESHOLD: adopting ties needed") Integer thresholdCount,
            @Schema(description = "THRESHOLD: share of ties needed") Double thresholdFraction) {
    }

    /** How the seeds were found. */
    @Schema(name = "SeedSampling")
    public record SeedSampling(
            @Schema(description = "REVERSE_REACHABLE_SETS (IMM) with lazy greedy maximum coverage") String method,
            @Schema(description = "GREEDY; or TOP_K_BY_DEGREE when that reached more on independent validation cascades "
                    + "(only without spread and preferences)") String choice,
            long randomSeed,
            double epsilon,
            @Schema(description = "Reverse-reachable sets drawn") int sets,
            @Schema(description = "Sets IMM's bound asked for") int setsWanted,
            @Schema(description = "True when a sample bound stopped short of IMM's count (weaker guarantee)") boolean capped,
            @Schema(description = "IMM's lower bound of the best possible coverage") double optimumLowerBound,
            @Schema(description = "Preference weight applied") double preferWeight,
            @Schema(description = "With spread: sub-communities of the target, and seeds allowed per sub-community") Integer subCommunities,
            Integer perSubCommunity) {
    }

    /** A chosen seed. */
    @Schema(name = "Seed")
    public record Seed(
            int rank, UUID contactId, String displayName, String kind,
            @Schema(description = "Target contacts it adds in expectation to the seeds before it (imm under the "
                    + "independent cascade: from the samples; otherwise from the forward cascades)") double marginalReach,
            @Schema(description = "Expected target contacts reached by this seed and those before it") double cumulativeReach,
            boolean inTarget,
            @Schema(description = "Active ties") int degree,
            @Schema(description = "Its sub-community, when spread was asked") Long subCommunity,
            boolean preferred) {
    }

    /** Expected coverage of the target with its 95 % confidence interval (mean ± 1.96·sd/√n over forward cascades). */
    @Schema(name = "SeedCoverage")
    public record SeedCoverage(
            @Schema(description = "Expected target contacts reached, seeds included") double expected,
            @Schema(description = "Share of the target") double share,
            double low, double high,
            @Schema(description = "Forward cascades run") int simulations,
            @Schema(description = "The same expectation from the reverse-reachable sets (imm under the independent "
                    + "cascade only)") Double sampledEstimate) {
    }

    /** The naive pick: the k best-connected candidates. */
    @Schema(name = "SeedBaseline")
    public record SeedBaseline(
            @Schema(description = "TOP_K_BY_DEGREE among the target's candidates and (seedsFrom ANYWHERE) their neighbours")
            String method,
            List<BaselineSeed> seeds,
            SeedCoverage coverage) {
    }

    /** A contact of the naive pick. */
    @Schema(name = "BaselineSeed")
    public record BaselineSeed(int rank, UUID contactId, String displayName, String kind, int degree, boolean inTarget) {
    }

    /** Seeds against the naive pick on the same cascades (paired): the difference in contacts reached. */
    @Schema(name = "SeedComparison")
    public record SeedComparison(double gain, double low, double high,
                                 @Schema(description = "gain / naive expected coverage; absent when that is 0") Double relative) {
    }

    /** The graph the answer was computed on. */
    @Schema(name = "SeedGraph")
    public record SeedGraphView(long appliedPosition, int contacts, long ties, int arcs,
                                @Schema(description = "Served from memory (false: read from Neo4j for this request)") boolean cached,
                                @Schema(description = "How long the graph's latest read took: the whole graph, or the changed contacts' ties") long loadMillis,
                                @Schema(description = "How this request had the graph: MEMORY (unchanged since read), CHANGES (the contacts whose ties changed were read again), FULL (read whole)") String read,
                                @Schema(description = "Contacts whose ties were read again for a CHANGES read; 0 otherwise") int contactsReread) {

        static SeedGraphView of(InfluenceGraph g, boolean cached) {
            return new SeedGraphView(g.version.appliedPosition(), g.size(), g.ties, g.arcs(), cached, g.loadMillis,
                    cached ? "MEMORY" : g.read.name(), cached ? 0 : g.reread);
        }
    }
}
