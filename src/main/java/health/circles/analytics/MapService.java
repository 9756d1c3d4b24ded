package health.circles.analytics;

import health.circles.security.AuditNotes;
import health.circles.web.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Builds bounded maps: a community's members and ties, or the neighbourhood of a contact. */
@ApplicationScoped
public class MapService {

    private final InsightService insights;
    private final GraphMaps graph;
    private final AnalyticsConfig config;
    private final AuditNotes auditNotes;

    MapService(InsightService insights, GraphMaps graph, AnalyticsConfig config, AuditNotes auditNotes) {
        this.insights = insights;
        this.graph = graph;
        this.config = config;
        this.auditNotes = auditNotes;
    }

    /** The community's primary members (the most influential first when it is larger than the bound). */
    public MapGraph community(long id) {
        int maxNodes = config.maps().maxNodes();
        InsightService.Members members = insights.members(id, maxNodes);
        List<String> ids = members.ids().stream().map(UUID::toString).toList();
        String note = members.truncated()
                ? "Community " + id + " has " + members.size() + " members; the map shows the " + ids.size()
                + " with the highest PageRank (circles.analytics.maps.max-nodes)"
                : null;
        return assemble(ids, members.truncated(), note);
    }

    /** Contacts within {@code depth} ties of the contact, strongest ties first when the bound is reached. */
    public MapGraph contact(UUID id, int depth) {
        if (depth < 1 || depth > 3) {
            throw ApiProblem.invalidField("depth", "must be between 1 and 3");
        }
        if (!graph.exists(id.toString())) {
            throw new ApiProblem(404, "not-found", "Not found",
                    "Contact " + id + " is not in the graph (unknown, or not yet synchronised)");
        }
        int maxNodes = config.maps().maxNodes();
        GraphMaps.Neighbourhood around = graph.neighbourhood(id.toString(), depth, maxNodes);
        String note = around.truncated()
                ? "More than " + maxNodes + " contacts lie within " + depth + " ties; the map keeps those reached "
                + "through the strongest ties, ring by ring (circles.analytics.maps.max-nodes)"
                : null;
        return assemble(around.ids(), around.truncated(), note);
    }

    private MapGraph assemble(List<String> ids, boolean truncated, String note) {
        int maxEdges = config.maps().maxEdges();
        List<MapGraph.Node> nodes = graph.nodes(ids);
        List<MapGraph.Edge> edges = graph.edgesAmong(ids, maxEdges + 1);
        if (edges.size() > maxEdges) {
            edges = edges.subList(0, maxEdges);
            truncated = true;
            note = (note == null ? "" : note + "; ") + "only the first " + maxEdges
                    + " ties are drawn (circles.analytics.maps.max-edges)";
        }
        // The map leaves as a rendered document (Cytoscape JSON, GraphML, GEXF) that names no AuditedRecord: note here
        // every contact it draws, so its audit row names them.
        auditNotes.concerns(nodes.stream().map(n -> UUID.fromString(n.id())).toArray(UUID[]::new));
        return new MapGraph(nodes, edges, truncated, note);
    }
}
