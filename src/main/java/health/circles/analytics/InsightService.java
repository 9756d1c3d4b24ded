package health.circles.analytics;

import health.circles.failure.Conflict;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.analytics.InsightViews.Community;
import health.circles.analytics.InsightViews.CommunityDetail;
import health.circles.analytics.InsightViews.ContactCommunities;
import health.circles.analytics.InsightViews.Explanation;
import health.circles.analytics.InsightViews.Influencer;
import health.circles.analytics.InsightViews.Neighbour;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Influencers, communities and memberships, served from the snapshot of the latest successful run. */
@ApplicationScoped
public class InsightService {

    private final AnalyticsRunStore runs;
    private final InsightStore insights;
    private final CommunityNames names;
    private final InsightCache cache;

    InsightService(AnalyticsRunStore runs, InsightStore insights, CommunityNames names, InsightCache cache) {
        this.runs = runs;
        this.insights = insights;
        this.names = names;
        this.cache = cache;
    }

    /**
     * The names of communities of the run, by id, as stored now: a read never waits for naming (which follows each
     * run, in the background); until it is done a community shows the name it had in earlier runs, or none when new.
     */
    Map<Long, CommunityNames.Name> names(UUID run, java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        names.namedOrStart(run);
        return names.of(List.copyOf(new java.util.LinkedHashSet<>(ids)));
    }

    /**
     * The names of communities of the latest successful run, by id (as text, for JSON): those the run does not have
     * are left out, and there are none before any run.
     */
    public Map<String, String> communityNames(java.util.Collection<Long> ids) {
        Map<String, String> out = new java.util.TreeMap<>();
        latestSucceededRun().ifPresent(run -> names(run, ids).forEach((id, n) -> out.put(Long.toString(id), n.name())));
        return out;
    }

    private static String nameOf(Map<Long, CommunityNames.Name> names, long id) {
        CommunityNames.Name n = names.get(id);
        return n == null ? null : n.name();
    }

    private List<Community> named(UUID run, List<Community> found) {
        Map<Long, CommunityNames.Name> of = names(run, found.stream().map(Community::id).toList());
        return found.stream().map(c -> c.named(of.get(c.id()))).toList();
    }

    /** The newest successful run, if any: what every read of scores and communities serves. */
    public Optional<UUID> latestSucceededRun() {
        return runs.latestSucceeded();
    }

    /** The run the reads serve; 409 with what to do when no run has succeeded yet. */
    public UUID latestRun() {
        return runs.latestSucceeded().orElseThrow(() -> {
            String running = runs.running().map(r -> " A run is in progress: " + r.self() + ".").orElse("");
            return new Conflict("no-analytics-run", "No analytics results yet",
                    "No analytics run has succeeded yet, so there are no scores or communities." + running
                            + " Start one with POST /api/v1/analytics/runs.");
        });
    }

    /** Influencers of the latest run; answers are kept in {@link InsightCache} until something they show changes. */
    public Page<Influencer> influencers(Metric metric, String kind, Long community, UUID contact, String cursor,
                                        int limit) {
        UUID run = latestRun();
        java.util.List<Object> parameters = java.util.Arrays.asList(metric, kind, community, contact, cursor, limit);
        return cache.get(new InsightCache.Key(run, "influencers", parameters),
                () -> influencers(run, metric, kind, community, contact, cursor, limit), InsightCache::named);
    }

    private Page<Influencer> influencers(UUID run, Metric metric, String kind, Long community, UUID contact,
                                         String cursor, int limit) {
        UUID previous = runs.previousSucceeded(run).orElse(null);
        if (community != null && insights.community(run, community).isEmpty()) {
            throw unknownCommunity(community, run);
        }
        int after = decodeRank(cursor);
        List<InsightStore.Ranked> found = insights.influencers(run, previous, metric, kind, community, contact, after,
                limit + 1);
        boolean more = found.size() > limit;
        List<InsightStore.Ranked> page = more ? found.subList(0, limit) : found;
        List<UUID> ids = page.stream().map(InsightStore.Ranked::contactId).toList();
        Map<UUID, Map<String, Integer>> types = ids.isEmpty() ? Map.of() : insights.tieTypes(ids);
        Map<UUID, List<Long>> reached = ids.isEmpty() ? Map.of() : insights.reachedCommunities(run, ids);
        Map<UUID, List<Neighbour>> strongest = ids.isEmpty() ? Map.of() : insights.strongestNeighbours(ids);
        Map<Long, CommunityNames.Name> communityNames = names(run,
                page.stream().map(InsightStore.Ranked::community).toList());
        List<Influencer> items = new ArrayList<>();
        for (InsightStore.Ranked r : page) {
            Map<String, Integer> byType = types.getOrDefault(r.contactId(), Map.of());
            List<Long> bridged = reached.getOrDefault(r.contactId(), List.of()).stream()
                    .filter(c -> c != r.community()).toList();
            List<Neighbour> neighbours = strongest.getOrDefault(r.contactId(), List.of());
            Integer change = r.previousRank() == null ? null : r.previousRank() - r.rank();
            int ties = byType.values().stream().mapToInt(Integer::intValue).sum();
            Explanation why = new Explanation(ties, byType, bridged.size(),
                    bridged.subList(0, Math.min(5, bridged.size())), neighbours,
                    summary(ties, byType, bridged.size(), neighbours, r.previousRank(), change));
            double score = switch (metric) {
                case PAGERANK -> r.scores().pagerank();
                case BETWEENNESS -> r.scores().betweenness();
                case DEGREE -> r.scores().degree();
                case STRENGTH -> r.scores().strength();
            };
            items.add(new Influencer(r.contactId(), r.displayName(), r.kind(), r.rank(), score, r.scores(),
                    r.community(), nameOf(communityNames, r.community()), r.previousRank(), change, why));
        }
        String next = more ? encode(String.valueOf(page.get(page.size() - 1).rank())) : null;
        return new Page<>(List.copyOf(items), next);
    }

    public Page<Community> communities(int level, int minSize, String cursor, int limit) {
        UUID run = latestRun();
        Integer beforeSize = null;
        Long afterId = null;
        if (cursor != null && !cursor.isBlank()) {
            String[] parts = decode(cursor).split(" ");
            try {
                beforeSize = Integer.parseInt(parts[0]);
                afterId = Long.parseLong(parts[1]);
            } catch (RuntimeException e) {
                throw badCursor();
            }
        }
        List<Community> found = insights.communities(run, level, minSize, beforeSize, afterId, limit + 1);
        boolean more = found.size() > limit;
        List<Community> page = named(run, more ? found.subList(0, limit) : found);
        String next = null;
        if (more) {
            Community last = page.get(page.size() - 1);
            next = encode(last.size() + " " + last.id());
        }
        return Page.counted(page, next, insights.communityCount(run, level, minSize));
    }

    /** A community of the latest run; answers are kept in {@link InsightCache} until something they show changes. */
    public CommunityDetail community(long id) {
        UUID run = latestRun();
        return cache.get(new InsightCache.Key(run, "community", List.of(id)), () -> community(run, id),
                InsightCache::named);
    }

    /**
     * A community's detail from what the run's snapshot wrote for it (CommunityDetails): two indexed reads and the
     * names now of the communities it names.
     */
    private CommunityDetail community(UUID run, long id) {
        InsightStore.Detail found = insights.detail(run, id).orElseThrow(() -> unknownCommunity(id, run));
        if (found.secondaryCount() == null) {
            throw new Conflict("analytics-run-outdated", "Community details need a new run",
                    "The latest analytics run " + run + " was written before community details were kept with the "
                            + "run; start one with POST /api/v1/analytics/runs");
        }
        List<Long> ids = new ArrayList<>(List.of(id));
        found.bridges().forEach(b -> ids.add(b.communityId()));
        Map<Long, CommunityNames.Name> of = names(run, ids);
        InsightStore.Listed members = insights.listed(run, id);
        return new CommunityDetail(found.summary().named(of.get(id)), run, found.children(), members.top(),
                found.bridges().stream().map(b -> new InsightViews.Bridge(b.communityId(), b.size(), b.ties(),
                        b.strength(), nameOf(of, b.communityId()))).toList(),
                members.bridging(), found.secondaryCount(), members.secondary());
    }

    /** The name of a community of the latest run. */
    public InsightViews.CommunityName communityName(long id) {
        UUID run = latestRun();
        insights.community(run, id).orElseThrow(() -> unknownCommunity(id, run));
        names.name(run);
        return InsightViews.CommunityName.of(names.one(id));
    }

    /** Renames a community of the latest run (null or blank: back to the generated name). */
    public InsightViews.CommunityName renameCommunity(long id, long expected, String name) {
        UUID run = latestRun();
        insights.community(run, id).orElseThrow(() -> unknownCommunity(id, run));
        names.name(run);
        return InsightViews.CommunityName.of(names.rename(id, expected, name));
    }

    public ContactCommunities contactCommunities(UUID contact) {
        UUID run = latestRun();
        var memberships = insights.memberships(run, contact);
        if (memberships.isEmpty()) {
            if (!insights.contactExists(contact)) {
                throw new NotFound("Contact", contact);
            }
            throw new NotFound("not-in-analytics-run", "Not in the latest run",
                    "Contact " + contact + " was not part of the latest analytics run " + run
                            + " (added since, or not yet in the graph); it will be in the next one");
        }
        Map<Long, CommunityNames.Name> of = names(run,
                memberships.stream().map(InsightViews.Membership::communityId).toList());
        return new ContactCommunities(contact, run, memberships.stream().map(m -> new InsightViews.Membership(
                m.communityId(), m.level(), m.primary(), m.share(), m.size(), nameOf(of, m.communityId()))).toList());
    }

    /** The latest successful run and the community's primary members by PageRank, for maps. */
    record Members(UUID run, List<UUID> ids, boolean truncated, int size, int level) {
    }

    Members members(long community, int limit) {
        UUID run = latestRun();
        Community summary = insights.community(run, community).orElseThrow(() -> unknownCommunity(community, run));
        List<UUID> ids = insights.memberIds(run, community, limit);
        return new Members(run, ids, summary.size() > ids.size(), summary.size(), summary.level());
    }

    /** Communities of the run by id, with their names (unknown ids are left out). */
    List<Community> communitiesById(UUID run, List<Long> ids) {
        return ids.isEmpty() ? List.of() : named(run, insights.communitiesById(run, ids));
    }

    /** The largest communities of a level (at most {@code limit}) and the links among them, for overview maps. */
    record Overview(UUID run, List<Community> communities, int total, List<InsightStore.Link> links) {
    }

    Overview overview(int level, int minSize, int limit, int maxLinks) {
        UUID run = latestRun();
        List<Community> found = insights.communities(run, level, minSize, null, null, limit + 1);
        boolean more = found.size() > limit;
        List<Community> shown = named(run, more ? found.subList(0, limit) : found);
        int total = more ? insights.communityCount(run, level, minSize) : shown.size();
        List<Long> ids = shown.stream().map(Community::id).toList();
        List<InsightStore.Link> links = ids.isEmpty() ? List.of() : insights.links(run, level, ids, maxLinks);
        return new Overview(run, shown, total, links);
    }

    private static NotFound unknownCommunity(long id, UUID run) {
        return new NotFound("not-found", "Not Found",
                "Community " + id + " is not in the latest analytics run (" + run + "); communities of earlier runs "
                        + "keep their id only while they stay substantially the same group");
    }

    static String summary(int ties, Map<String, Integer> byType, int bridged, List<Neighbour> neighbours,
                          Integer previousRank, Integer change) {
        StringBuilder s = new StringBuilder();
        s.append(ties).append(ties == 1 ? " active tie" : " active ties");
        if (!byType.isEmpty()) {
            s.append(" (").append(byType.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .collect(Collectors.joining(", "))).append(')');
        }
        s.append("; ").append(bridged == 0 ? "all within its own community"
                : "reaches " + bridged + (bridged == 1 ? " other community" : " other communities"));
        if (!neighbours.isEmpty()) {
            s.append("; strongest ties: ").append(neighbours.stream()
                    .map(n -> n.displayName() + String.format(Locale.ROOT, " (%.2f)", n.strength()))
                    .collect(Collectors.joining(", ")));
        }
        if (previousRank == null) {
            s.append("; not ranked in the previous run");
        } else if (change == 0) {
            s.append("; same rank as in the previous run");
        } else {
            s.append(change > 0 ? "; up " : "; down ").append(Math.abs(change))
                    .append(Math.abs(change) == 1 ? " place" : " places").append(" since the previous run");
        }
        return s.toString();
    }

    private static int decodeRank(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(decode(cursor));
        } catch (NumberFormatException e) {
            throw badCursor();
        }
    }

    private static String encode(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    private static InvalidInput badCursor() {
        return InvalidInput.field("cursor", "is not a cursor returned by this listing");
    }
}
