package health.circles.group;

import health.circles.sync.ElementGraph;
import health.circles.sync.GraphProjection;
import health.circles.sync.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.TransactionContext;

/**
 * The graph store of groups: (:Group {id, kind, name, v}) nodes and
 * (:Contact)-[:MEMBER_OF_GROUP {id, role, since, until, v}]->(:Group) relationships, ended memberships included (as
 * ties are). Neither is a contact or a tie: every query of the network (circles, paths, analytics projections,
 * influence graphs, maps) names :Contact and :TIE, so groups never enter them. A deleted group leaves a
 * (:DeletedGroup {id, v}) tombstone, so that a replayed older change cannot bring it back.
 */
@ApplicationScoped
public class GroupGraph implements GraphProjection {

    public static final String UPSERTED = "group.upserted";
    static final String DELETED = "group.deleted";
    public static final String MEMBER_UPSERTED = "group-member.upserted";
    static final String MEMBER_DELETED = "group-member.deleted";

    static final String UPSERT = """
            UNWIND $rows AS row
            OPTIONAL MATCH (gone:DeletedGroup {id: row.id})
            WITH row, gone
            WHERE gone IS NULL OR gone.v < row.version
            MERGE (g:Group {id: row.id})
            WITH g, row
            WHERE g.v IS NULL OR g.v < row.version
            SET g.kind = row.kind, g.name = row.name, g.v = row.version
            """;

    static final String DELETE = """
            UNWIND $rows AS row
            MERGE (gone:DeletedGroup {id: row.id})
            SET gone.v = CASE WHEN gone.v IS NULL OR gone.v < row.version THEN row.version ELSE gone.v END
            WITH row
            MATCH (g:Group {id: row.id})
            WHERE g.v IS NULL OR g.v < row.version
            DETACH DELETE g
            """;

    // Memberships and their ends are found through the indexes named in SEEK hints, as ties are (TieGraph): a plan
    // Neo4j makes or remakes from statistics that lag behind a bulk write (a fresh store, an import) may otherwise
    // scan every membership or member per row, even through the hinted index, and it stays cached while the graph
    // grows.
    static final String UPDATE_MEMBERS = """
            UNWIND $rows AS row
            MATCH (:Contact)-[m:MEMBER_OF_GROUP {id: row.id}]->(:Group)
            USING INDEX SEEK m:MEMBER_OF_GROUP(id)
            WHERE coalesce(m.v, -1) < row.version
            SET m.role = row.role, m.since = date(row.since), m.until = date(row.until), m.v = row.version
            """;

    // Like ties: a membership whose contact or group is not in the graph is an error the relay retries and then parks
    // as a dead letter, unless that end was deleted (its tombstone says so), when the change has nothing left to join.
    static final String CREATE_MEMBERS = """
            UNWIND $rows AS row
            OPTIONAL MATCH (:Contact)-[existing:MEMBER_OF_GROUP {id: row.id}]->(:Group)
            USING INDEX SEEK existing:MEMBER_OF_GROUP(id)
            WITH row WHERE existing IS NULL
            OPTIONAL MATCH (c:Contact {id: row.contact})
            USING INDEX SEEK c:Contact(id)
            OPTIONAL MATCH (g:Group {id: row.group})
            USING INDEX SEEK g:Group(id)
            FOREACH (_ IN CASE WHEN c IS NULL OR g IS NULL THEN [] ELSE [1] END |
                CREATE (c)-[m:MEMBER_OF_GROUP {id: row.id}]->(g)
                SET m.role = row.role, m.since = date(row.since), m.until = date(row.until), m.v = row.version)
            WITH row, c, g WHERE c IS NULL OR g IS NULL
            OPTIONAL MATCH (goneContact:DeletedContact {id: row.contact})
            OPTIONAL MATCH (goneGroup:DeletedGroup {id: row.group})
            WITH row WHERE (c IS NULL AND goneContact IS NULL) OR (g IS NULL AND goneGroup IS NULL)
            RETURN count(row) AS endless, collect(row.id)[..5] AS ids
            """;

    static final String DELETE_MEMBERS = """
            UNWIND $rows AS row
            MATCH ()-[m:MEMBER_OF_GROUP {id: row.id}]->()
            USING INDEX SEEK m:MEMBER_OF_GROUP(id)
            WHERE m.v IS NULL OR m.v < row.version
            DELETE m
            """;

    /** The group nodes as rebuild and reconcile (through {@link GroupGraphSource}) read and repair them. */
    static final ElementGraph GROUPS = ElementGraph.nodes("Group", "e.kind AS kind, e.name AS name");

    /** The memberships as rebuild and reconcile (through {@link MembershipGraphSource}) read and repair them. */
    static final ElementGraph MEMBERS = ElementGraph.relationships("MEMBER_OF_GROUP", """
            a.id AS contact, b.id AS group, e.role AS role, e.since AS since, e.until AS until""");

    static Map<String, Object> upserted(ContactGroup g) {
        return Map.of("id", g.id.toString(), "kind", g.kind.name(), "name", g.name, "version", g.version);
    }

    static Map<String, Object> deleted(ContactGroup g) {
        return Map.of("id", g.id.toString(), "version", g.version + 1);
    }

    static Map<String, Object> upserted(Membership m) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", m.id.toString());
        row.put("group", m.groupId.toString());
        row.put("contact", m.contactId.toString());
        row.put("role", m.role);
        row.put("since", m.since == null ? null : m.since.toString());
        row.put("until", m.until == null ? null : m.until.toString());
        row.put("version", m.version);
        return row;
    }

    static Map<String, Object> deleted(Membership m) {
        return Map.of("id", m.id.toString(), "version", m.version + 1);
    }

    /** Appends a written membership's graph change (its removal once erased); after the flush that versioned it. */
    static long append(Outbox outbox, Membership m) {
        return m.contactId == null
                ? outbox.append(MEMBER_DELETED, m.id, m.version + 1, deleted(m))
                : outbox.append(MEMBER_UPSERTED, m.id, m.version, upserted(m));
    }

    @Override
    public Set<String> types() {
        return Set.of(UPSERTED, DELETED, MEMBER_UPSERTED, MEMBER_DELETED);
    }

    @Override
    public void apply(TransactionContext tx, String type, List<Map<String, Object>> payloads) {
        switch (type) {
            case UPSERTED -> tx.run(UPSERT, Map.of("rows", payloads)).consume();
            case DELETED -> tx.run(DELETE, Map.of("rows", payloads)).consume();
            case MEMBER_DELETED -> tx.run(DELETE_MEMBERS, Map.of("rows", payloads)).consume();
            default -> upsertMembers(tx, payloads);
        }
    }

    private static void upsertMembers(TransactionContext tx, List<Map<String, Object>> payloads) {
        // A batch may carry several changes of one membership; only its newest counts (CREATE must not see it twice).
        Map<Object, Map<String, Object>> newest = new LinkedHashMap<>();
        for (Map<String, Object> row : payloads) {
            newest.merge(row.get("id"), row, (a, b) ->
                    ((Number) b.get("version")).longValue() >= ((Number) a.get("version")).longValue() ? b : a);
        }
        List<Map<String, Object>> rows = new ArrayList<>(newest.values());
        tx.run(UPDATE_MEMBERS, Map.of("rows", rows)).consume();
        var missing = tx.run(CREATE_MEMBERS, Map.of("rows", rows)).single();
        if (missing.get("endless").asLong() > 0) {
            throw new IllegalStateException(missing.get("endless").asLong() + " group membership(s) join a contact or "
                    + "group missing from the graph, e.g. " + missing.get("ids").asList()
                    + "; reconcile restores it, then retry the dead letter");
        }
    }
}
