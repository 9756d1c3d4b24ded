package health.circles.analytics;

import health.circles.security.AuditedRecord;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Response bodies of the influencer, community and membership reads. */
public final class InsightViews {

    private InsightViews() {
    }

    /** A ranked contact with the reasons for its rank. */
    @Schema(name = "Influencer")
    public record Influencer(
            UUID contactId, String displayName, String kind,
            @Schema(description = "1 = most influential by the requested metric, among all contacts") int rank,
            @Schema(description = "Value of the requested metric") double score,
            Scores scores,
            @Schema(description = "Coarsest community the contact belongs to") long community,
            @Schema(description = "That community's name") String communityName,
            @Schema(description = "Rank in the previous successful run; absent when it was not ranked then") Integer previousRank,
            @Schema(description = "Places gained since the previous run (negative: lost)") Integer rankChange,
            Explanation explanation) implements AuditedRecord {

        @Override
        public String auditId() {
            return contactId.toString();
        }

        /** The influencer and the neighbours its explanation names. */
        @Override
        public Set<UUID> auditContacts() {
            Set<UUID> ids = new LinkedHashSet<>();
            ids.add(contactId);
            if (explanation != null && explanation.strongestNeighbours() != null) {
                explanation.strongestNeighbours().forEach(n -> ids.add(n.contactId()));
            }
            return ids;
        }
    }

    /** All four scores of a contact. */
    @Schema(name = "InfluenceScores")
    public record Scores(double pagerank, double betweenness, double degree, double strength) {
    }

    /** Why a contact ranks where it does. */
    @Schema(name = "InfluenceExplanation")
    public record Explanation(
            @Schema(description = "Active ties") int ties,
            @Schema(description = "Active ties per type") Map<String, Integer> tieTypes,
            @Schema(description = "Other communities its ties reach") int communitiesBridged,
            @Schema(description = "Up to five of those communities, most ties first") List<Long> bridgedCommunities,
            List<Neighbour> strongestNeighbours,
            @Schema(description = "The same in one sentence") String summary) {
    }

    /** A neighbour through one of the strongest ties. */
    @Schema(name = "Neighbour")
    public record Neighbour(UUID contactId, String displayName, String type, double strength) {
    }

    /** A value and how often it occurs (languages, postal codes). */
    @Schema(name = "ValueCount")
    public record ValueCount(String value, int count) {
    }

    /** A community as listed. */
    @Schema(name = "CommunitySummary")
    public record Community(
            long id,
            @Schema(description = "0 = coarsest; higher levels are finer") int level,
            @Schema(description = "The coarser community holding most of its members") Long parentId,
            int size,
            @Schema(description = "Contacts per kind") Map<String, Integer> kindMix,
            @Schema(description = "Internal ties over possible pairs") double density,
            long internalTies,
            @Schema(description = "Strength of ties inside the community") double internalStrength,
            @Schema(description = "Strength of ties leaving the community") double externalStrength,
            @Schema(description = "This community's term of the level's modularity") double modularityContribution,
            List<ValueCount> languages,
            List<ValueCount> postalCodes,
            @Schema(description = "What staff call it: their chosen name, else the generated one "
                    + "(e.g. \"Bayview Clinic · 90020 · es\")") String name,
            @Schema(description = "Generated from what is most over-represented in it against the whole network")
            String generatedName,
            @Schema(description = "The generated name's facts in a sentence") String description,
            @Schema(description = "Whether staff chose the name (PUT /communities/{id}/name)") boolean renamed,
            @Schema(description = "Version of the name, for If-Match on a rename (also the ETag of GET /communities/{id})")
            long nameVersion,
            @Schema(description = "The facts the generated name is made of, most telling first") List<Trait> traits) {

        /** The same community with its name. */
        Community named(CommunityNames.Name n) {
            return n == null ? this : new Community(id, level, parentId, size, kindMix, density, internalTies,
                    internalStrength, externalStrength, modularityContribution, languages, postalCodes, n.name(),
                    n.generatedName(), n.summary(), n.renamed(), n.version(), n.traits());
        }
    }

    /** A community's name, generated or chosen by staff; {@code version} is its ETag. */
    @Schema(name = "CommunityName")
    public record CommunityName(
            long communityId,
            @Schema(description = "What staff call it: their chosen name, else the generated one") String name,
            @Schema(description = "Generated from what is most over-represented in it against the whole network")
            String generatedName,
            @Schema(description = "The generated name's facts in a sentence") String description,
            @Schema(description = "Whether staff chose the name") boolean renamed,
            @Schema(description = "Send it back quoted as If-Match to rename") long version,
            List<Trait> traits) {

        static CommunityName of(CommunityNames.Name n) {
            return new CommunityName(n.community(), n.name(), n.generatedName(), n.summary(), n.renamed(),
                    n.version(), n.traits());
        }
    }

    /** A new name for a community; null or blank goes back to the generated name. */
    @Schema(name = "CommunityRename")
    public record CommunityRename(
            @Schema(description = "1 to 80 characters; null or blank: use the generated name again", maxLength = 80,
                    nullable = true) String name) {
    }

    /** Something over-represented in a community: its share there against its share of the whole network. */
    @Schema(name = "CommunityTrait")
    public record Trait(
            @Schema(enumeration = {"ORGANISATION", "GROUP", "POSTAL_CODE", "CITY", "LANGUAGE", "KIND", "TAG"})
            String category,
            @Schema(description = "The organisation's or group's name, the postal code, city, language, kind or tag")
            String value,
            @Schema(description = "The organisation's contact id or the group's id", format = "uuid") String ref,
            @Schema(description = "Members who have it") int count,
            @Schema(description = "Share of the members who have it") double share,
            @Schema(description = "Share of the whole network (the run's contacts) that has it") double networkShare,
            @Schema(description = "share / networkShare") double lift) {
    }

    /** A member as shown in a community's detail. */
    @Schema(name = "CommunityMember")
    public record Member(UUID contactId, String displayName, String kind, double pagerank, int pagerankRank,
                         double betweenness, int betweennessRank) {
    }

    /** Ties from a community to another at the same level. */
    @Schema(name = "CommunityBridge")
    public record Bridge(long communityId, int size, long ties, double strength,
                         @Schema(description = "The other community's name") String name) {
    }

    /** A contact of another community that holds a large share of its tie strength here. */
    @Schema(name = "SecondaryMember")
    public record SecondaryMember(UUID contactId, String displayName, String kind, long primaryCommunity, double share) {
    }

    /** A community with what makes it up and how it connects. */
    @Schema(name = "CommunityDetail")
    public record CommunityDetail(
            Community summary,
            UUID runId,
            @Schema(description = "Finer communities inside it (next level)") List<Long> children,
            @Schema(description = "Members by PageRank") List<Member> topInfluencers,
            @Schema(description = "Communities it has most tie strength with") List<Bridge> bridges,
            @Schema(description = "Members with the highest betweenness whose ties leave the community") List<Member> bridgeContacts,
            long secondaryMemberCount,
            @Schema(description = "Largest shares first") List<SecondaryMember> secondaryMembers) implements AuditedRecord {

        @Override
        public String auditId() {
            return Long.toString(summary.id());
        }

        /** Every member the detail names: top influencers, bridge contacts, secondary members. */
        @Override
        public Set<UUID> auditContacts() {
            Set<UUID> ids = new LinkedHashSet<>();
            topInfluencers.forEach(m -> ids.add(m.contactId()));
            bridgeContacts.forEach(m -> ids.add(m.contactId()));
            secondaryMembers.forEach(m -> ids.add(m.contactId()));
            return ids;
        }
    }

    /** One membership of a contact. */
    @Schema(name = "Membership")
    public record Membership(long communityId, int level, boolean primary,
                             @Schema(description = "Share of the contact's tie strength inside that community") Double share,
                             int size,
                             @Schema(description = "The community's name") String name) {
    }

    /** The communities of one contact in the latest run. */
    @Schema(name = "ContactCommunities")
    public record ContactCommunities(UUID contactId, UUID runId, List<Membership> memberships) {
    }
}
