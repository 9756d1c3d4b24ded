package health.circles.outreach;

import health.circles.contact.Channel;
import health.circles.security.AuditedRecord;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An experiment as the API shows it: how its communities were assigned to arms, and the campaign that runs it. */
@Schema(name = "Experiment")
public record ExperimentView(
        @Schema(description = "The experiment's id, which is its campaign's: outcomes go to POST /campaigns/{id}/outcomes")
        UUID id,
        String name,
        Channel channel,
        @Schema(description = "ACTIVE or CLOSED (the campaign's state)") String state,
        @Schema(description = "The analytics run whose communities were assigned") UUID analyticsRun,
        int level,
        @Schema(description = "Seeds asked for in each community") int k,
        @Schema(description = "Seed of the assignment and of the seed draws: the same communities, arms and seed give "
                + "the same assignment") long randomSeed,
        List<SeedStrategy> arms,
        @Schema(description = "By size, largest first") List<Community> communities,
        @Schema(description = "In the answer to the create only: communities asked for (or of the level) left out because none "
                + "of their members may be approached on the channel") List<Long> leftOut,
        CampaignView campaign) implements AuditedRecord {

    /** A community as assigned, with its targets and seeds. */
    @Schema(name = "ExperimentCommunity")
    public record Community(
            long communityId,
            @Schema(description = "Primary members at the level when assigned") int size,
            @Schema(description = "Block of similar-sized communities, one per arm; 0 holds the largest") int stratum,
            SeedStrategy arm,
            @Schema(description = "Members who may be approached on the channel, when the experiment started") long targets,
            @Schema(description = "Chosen with the arm's strategy inside the community") List<UUID> seeds) {
    }

    @Override
    public String auditId() {
        return id.toString();
    }

    @Override
    public Set<UUID> auditContacts() {
        Set<UUID> ids = new LinkedHashSet<>();
        communities.forEach(c -> ids.addAll(c.seeds()));
        return ids;
    }
}
