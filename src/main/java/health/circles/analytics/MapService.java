package health.circles.analytics;

import health.circles.contact.ContactDirectory;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.group.GroupRef;
import health.circles.group.GroupService;
import health.circles.security.AuditNotes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Builds bounded maps: a community's members and ties, or the neighbourhood of a contact. */
@ApplicationScoped
public class MapService {

    private final InsightService insights;
    private final MapSourceGraph graph;
    private final AnalyticsConfig config;
    private final AuditNotes auditNotes;
    private final GroupService groups;

    private final ContactDirectory contacts;

    MapService(InsightService insights, MapSourceGraph graph, AnalyticsConfig config, AuditNotes auditNotes,
               GroupService groups, ContactDirectory contacts) {
        this.contacts = contacts;
        this.groups = groups;
        this.insights = insights;
        this.graph = graph;
        this.config = config;
        this.auditNotes = auditNotes;
    }

    /** Neighbouring communities drawn around a community map, and the bridge edges drawn to each at most. */
    static final int NEIGHBOURS = 8;
    static final int BRIDGES_PER_NEIGHBOUR = 40;

    /** The community's primary members (the most influential first when it is larger than the bound). */
    public MapGraph community(long id, TieFilter filter) {
        return community(id, filter, false);
    }

    /**
     * The community's primary members; with {@code neighbours}, also the communities of the same level it has the
     * most tie strength with (up to {@link #NEIGHBOURS}), each a COMMUNITY node, with a BRIDGE edge from every member
     * tied to it (the strongest {@link #BRIDGES_PER_NEIGHBOUR}).
     */
    public MapGraph community(long id, TieFilter filter, boolean neighbours) {
        int maxNodes = config.maps().maxNodes();
        InsightService.Members members = insights.members(id, maxNodes);
        List<String> ids = stored(members.ids().stream().map(UUID::toString).toList());
        String note = members.truncated()
                ? "Community " + id + " has " + members.size() + " members; the map shows the " + ids.size()
                + " with the highest PageRank (circles.analytics.maps.max-nodes)"
                : null;
        MapGraph map = assemble(ids, null, filter, members.truncated(), note);
        return neighbours ? withNeighbours(map, members, id, ids, filter) : map;
    }

    private MapGraph withNeighbours(MapGraph map, InsightService.Members members, long id, List<String> ids,
                                    TieFilter filter) {
        List<MapSourceGraph.Crossing> crossings = graph.crossings(ids, members.level(), id, filter);
        java.util.Map<Long, Double> strength = new java.util.HashMap<>();
        crossings.forEach(c -> strength.merge(c.community(), c.strength(), Double::sum));
        List<Long> nearest = strength.entrySet().stream()
                .sorted(java.util.Map.Entry.<Long, Double>comparingByValue().reversed()
                        .thenComparing(java.util.Map.Entry.comparingByKey()))
                .limit(NEIGHBOURS).map(java.util.Map.Entry::getKey).toList();
        List<InsightViews.Community> found = insights.communitiesById(members.run(), nearest);
        List<MapGraph.Node> nodes = new java.util.ArrayList<>(map.nodes());
        java.util.Map<String, String> names = new java.util.TreeMap<>(map.communityNames());
        for (InsightViews.Community c : found) {
            nodes.add(new MapGraph.Node("community-" + c.id(), c.name() == null ? "Community " + c.id() : c.name(),
                    "COMMUNITY", c.id(), null, null, null, c.size()));
            names.put(Long.toString(c.id()), c.name());
        }
        java.util.Set<Long> drawn = new java.util.HashSet<>();
        found.forEach(c -> drawn.add(c.id()));
        double strongest = crossings.stream().filter(c -> drawn.contains(c.community()))
                .mapToDouble(MapSourceGraph.Crossing::strength).max().orElse(1);
        List<MapGraph.Edge> edges = new java.util.ArrayList<>(map.edges());
        crossings.stream().filter(c -> drawn.contains(c.community()))
                .collect(java.util.stream.Collectors.groupingBy(MapSourceGraph.Crossing::community))
                .forEach((other, list) -> list.stream()
                        .sorted(java.util.Comparator.comparingDouble(MapSourceGraph.Crossing::strength).reversed()
                                .thenComparing(MapSourceGraph.Crossing::member))
                        .limit(BRIDGES_PER_NEIGHBOUR)
                        .forEach(c -> edges.add(new MapGraph.Edge("bridge-" + c.member() + "-" + other, c.member(),
                                "community-" + other, "BRIDGE", strongest == 0 ? 0 : c.strength() / strongest,
                                false))));
        edges.sort(java.util.Comparator.comparing(MapGraph.Edge::id));
        String note = (map.note() == null ? "The " : map.note() + "; the ") + found.size()
                + " neighbouring communities it has most tie strength with are drawn as communities, with a BRIDGE "
                + "edge from each member tied to them (strength relative to the strongest)";
        return new MapGraph(nodes, edges, map.truncated(), note, names);
    }

    /** Contacts within {@code depth} ties of the contact, strongest ties first when the bound is reached. */
    public MapGraph contact(UUID id, int depth, TieFilter filter) {
        if (depth < 1 || depth > 3) {
            throw InvalidInput.field("depth", "must be between 1 and 3");
        }
        if (!graph.exists(id.toString()) || contacts.existing(List.of(id)).isEmpty()) {
            throw new NotFound("not-found", "Not Found",
                    "Contact " + id + " is not in the graph (unknown, or not yet synchronised)");
        }
        int maxNodes = config.maps().maxNodes();
        MapSourceGraph.Neighbourhood around = graph.neighbourhood(id.toString(), depth, filter, maxNodes);
        String note = around.truncated()
                ? "More than " + maxNodes + " contacts lie within " + depth + " ties; the map keeps those reached "
                + "through the strongest ties, ring by ring (circles.analytics.maps.max-nodes)"
                : null;
        return assemble(stored(around.ids()), around.rings(), filter, around.truncated(), note);
    }

    /**
     * The ids among these that PostgreSQL holds, in their order. Maps draw names and ties from Neo4j, which may still
     * hold a contact deleted or erased a moment ago (the relay is behind, or Neo4j was down): an erased person's name
     * must not come back on a map, nor their ties (circles and paths filter alike). One query per map.
     */
    private List<String> stored(List<String> ids) {
        java.util.Set<UUID> held = contacts.existing(ids.stream().map(UUID::fromString).toList());
        return held.size() == ids.size() ? ids : ids.stream().filter(i -> held.contains(UUID.fromString(i))).toList();
    }

    /**
     * Communities of a level as nodes (size: members; influence: their share of the level's contacts), the largest
     * first up to the node bound, with the summed ties between them: what a map too large to draw one contact per
     * node shows instead.
     */
    public MapGraph overview(int level, int minSize) {
        int maxNodes = config.maps().maxNodes();
        int maxEdges = config.maps().maxEdges();
        InsightService.Overview found = insights.overview(level, minSize, maxNodes, maxEdges + 1);
        long contacts = found.communities().stream().mapToLong(InsightViews.Community::size).sum();
        List<MapGraph.Node> nodes = found.communities().stream().map(c -> new MapGraph.Node(
                "community-" + c.id(), c.name() == null ? "Community " + c.id() : c.name(), "COMMUNITY", c.id(), null,
                contacts == 0 ? 0.0 : (double) c.size() / contacts, null, c.size())).toList();
        double strongest = found.links().stream().mapToDouble(InsightStore.Link::strength).max().orElse(1);
        List<MapGraph.Edge> edges = found.links().stream().limit(maxEdges).map(l -> new MapGraph.Edge(
                "link-" + l.a() + "-" + l.b(), "community-" + l.a(), "community-" + l.b(), "LINK",
                strongest == 0 ? 0 : l.strength() / strongest, false)).toList();
        boolean truncated = found.total() > nodes.size() || found.links().size() > maxEdges;
        String note = "Level " + level + ": " + nodes.size() + " communities of at least " + minSize + " members"
                + (found.total() > nodes.size() ? " (the largest " + nodes.size() + " of " + found.total() + ")" : "")
                + "; a tie's strength is the summed strength between two communities relative to the strongest link"
                + (found.links().size() > maxEdges ? "; only the " + maxEdges + " strongest links are drawn" : "");
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        found.communities().forEach(c -> names.put(Long.toString(c.id()), c.name()));
        return new MapGraph(nodes, edges, truncated, note, names);
    }

    /** The names of every community (any level) the contacts of a map belong to, by id; none before any run. */
    private java.util.Map<String, String> communityNames(List<MapGraph.Node> nodes) {
        java.util.Set<Long> ids = new java.util.LinkedHashSet<>();
        for (MapGraph.Node n : nodes) {
            if (n.communities() != null) {
                ids.addAll(n.communities());
            } else if (n.community() != null) {
                ids.add(n.community());
            }
        }
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        insights.latestSucceededRun().ifPresent(run -> insights.names(run, ids)
                .forEach((id, name) -> out.put(Long.toString(id), name.name())));
        return out;
    }

    /** Each contact with the groups it belongs to now, so that a page can cluster a household. */
    private List<MapGraph.Node> withGroups(List<MapGraph.Node> nodes) {
        java.util.Map<UUID, List<GroupRef>> of = groups.currentGroupsOf(
                nodes.stream().map(n -> UUID.fromString(n.id())).toList());
        return nodes.stream().map(n -> n.withGroups(of.getOrDefault(UUID.fromString(n.id()), List.of()))).toList();
    }

    private MapGraph assemble(List<String> ids, java.util.Map<String, Integer> rings, TieFilter filter,
                              boolean truncated, String note) {
        int maxEdges = config.maps().maxEdges();
        List<MapGraph.Node> nodes = withGroups(graph.nodes(ids, rings));
        List<MapGraph.Edge> edges = graph.edgesAmong(ids, filter, maxEdges + 1);
        if (edges.size() > maxEdges) {
            edges = edges.subList(0, maxEdges);
            truncated = true;
            note = (note == null ? "" : note + "; ") + "only the first " + maxEdges
                    + " ties are drawn (circles.analytics.maps.max-edges)";
        }
        // The map leaves as a rendered document (Cytoscape JSON, GraphML, GEXF) that names no AuditedRecord: note here
        // every contact it draws, so its audit row names them.
        auditNotes.concerns(nodes.stream().map(n -> UUID.fromString(n.id())).toArray(UUID[]::new));
        return new MapGraph(nodes, edges, truncated, note, communityNames(nodes));
    }
}
