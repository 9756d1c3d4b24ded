package health.circles.analytics;

import health.circles.group.GroupRef;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A bounded piece of the graph for drawing: contacts with their community and influence and the ties among them, or
 * (an overview) communities with the ties between them.
 */
record MapGraph(List<Node> nodes, List<Edge> edges, boolean truncated, String note,
                Map<String, String> communityNames) {

    MapGraph(List<Node> nodes, List<Edge> edges, boolean truncated, String note) {
        this(nodes, edges, truncated, note, Map.of());
    }

    /** A contact on a map; {@code influence} is its PageRank, for node size. */
    @Schema(name = "MapNode")
    public record Node(String id, String label, String kind,
                       @Schema(description = "Primary community at the coarsest level (0)") Long community,
                       @Schema(description = "Primary community per level, coarsest (level 0) first") List<Long> communities,
                       @Schema(description = "PageRank of the latest run") Double influence,
                       @Schema(description = "Contact maps: ties from the centre (0 is the centre itself)") Integer ring,
                       @Schema(description = "Overview maps: members of the community this node stands for") Integer size,
                       @Schema(description = "Contact maps and community maps: the groups the contact belongs to now "
                               + "(a household's members can be drawn as one cluster)") List<GroupRef> groups) {

        Node(String id, String label, String kind, Long community, List<Long> communities, Double influence,
             Integer ring) {
            this(id, label, kind, community, communities, influence, ring, null, null);
        }

        Node(String id, String label, String kind, Long community, List<Long> communities, Double influence,
             Integer ring, Integer size) {
            this(id, label, kind, community, communities, influence, ring, size, null);
        }

        Node withGroups(List<GroupRef> of) {
            return new Node(id, label, kind, community, communities, influence, ring, size, of);
        }
    }

    /** A tie on a map. */
    @Schema(name = "MapEdge")
    public record Edge(String id, String source, String target, String type, double strength, boolean directed) {
    }
}
