package health.circles.analytics;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A bounded piece of the graph for drawing: contacts with their community and influence, and the ties among them. */
record MapGraph(List<Node> nodes, List<Edge> edges, boolean truncated, String note) {

    /** A contact on a map; {@code influence} is its PageRank, for node size. */
    @Schema(name = "MapNode")
    public record Node(String id, String label, String kind, Long community, Double influence) {
    }

    /** A tie on a map. */
    @Schema(name = "MapEdge")
    public record Edge(String id, String source, String target, String type, double strength, boolean directed) {
    }
}
