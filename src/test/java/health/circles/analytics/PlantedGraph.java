package health.circles.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Test graphs with planted communities (a planted-partition model with an LFR-style mixing parameter: each contact
 * has about {@code degree} ties, a share {@code mixing} of them to other groups of its component), plus a planted
 * hub and bridge. Written straight into PostgreSQL with their outbox rows, in batches, so the relay projects them into
 * Neo4j like any write; a stand-in until the shared generator and bulk import exist.
 */
final class PlantedGraph {

    /** A contact of the graph and the planted group it belongs to (null for the hub and the bridge). */
    record Node(UUID id, String kind, String name, String group, String language, String postalCode) {
    }

    /** A tie of the graph. */
    record Edge(UUID id, UUID from, UUID to, String type, boolean symmetric, double strength) {
    }

    private final Random random;
    final List<Node> nodes = new ArrayList<>();
    final List<Edge> edges = new ArrayList<>();
    final Map<String, List<Node>> components = new LinkedHashMap<>();
    private final Set<String> pairs = new HashSet<>();

    PlantedGraph(long seed) {
        this.random = new Random(seed);
    }

    /**
     * A connected component of planted groups of {@code size} contacts, group g with mixing {@code mixing[g]}: about
     * {@code degree·(1−μ)} tie ends inside the group, and {@code degree·μ/2} ties from each member to contacts of any
     * other group of the component (which also receive ties, so the realised mixing differs: {@link #mixing}).
     * Spreading external ties over all groups, as LFR does, keeps the planted partition above modularity's resolution
     * limit; a handful of densely interlinked groups would rightly merge.
     */
    List<List<Node>> component(String name, int size, int degree, double... mixing) {
        int groups = mixing.length;
        List<List<Node>> planted = new ArrayList<>();
        List<Node> all = new ArrayList<>();
        String[] languages = {"en", "es", "vi", "zh", "ar", "fr", "pt", "so", "ht", "ko"};
        for (int g = 0; g < groups; g++) {
            List<Node> members = new ArrayList<>();
            String group = name + "-" + g;
            for (int i = 0; i < size; i++) {
                String kind = i % 10 == 0 ? "NURSE" : i % 4 == 0 ? "CAREGIVER" : "PATIENT";
                members.add(new Node(UUID.randomUUID(), kind, "P" + group + "-" + i, group,
                        languages[g % languages.length], String.format("%05d", 10000 + g)));
            }
            planted.add(members);
            all.addAll(members);
            nodes.addAll(members);
        }
        components.put(name, all);
        for (int g = 0; g < groups; g++) {
            List<Node> members = planted.get(g);
            int internal = (int) Math.round(size * degree * (1 - mixing[g]) / 2);
            int external = (int) Math.round(size * degree * mixing[g] / 2);
            for (int made = 0; made < internal; ) {
                if (tie(members.get(random.nextInt(size)), members.get(random.nextInt(size)), strength())) {
                    made++;
                }
            }
            for (int made = 0; made < external && groups > 1; ) {
                Node other = all.get(random.nextInt(all.size()));
                if (!members.contains(other) && tie(members.get(random.nextInt(size)), other, strength())) {
                    made++;
                }
            }
        }
        return planted;
    }

    /** Realised mixing of some groups: the share of their members' tie ends that leave their own group. */
    double mixing(List<List<Node>> groups) {
        Map<UUID, String> groupOf = new HashMap<>();
        nodes.forEach(n -> groupOf.put(n.id(), n.group()));
        Set<UUID> members = new HashSet<>();
        groups.forEach(g -> g.forEach(n -> members.add(n.id())));
        long ends = 0;
        long out = 0;
        for (Edge e : edges) {
            boolean crossing = !java.util.Objects.equals(groupOf.get(e.from()), groupOf.get(e.to()));
            for (UUID end : List.of(e.from(), e.to())) {
                if (members.contains(end)) {
                    ends++;
                    out += crossing ? 1 : 0;
                }
            }
        }
        return out / (double) ends;
    }

    private double strength() {
        return 0.3 + 0.7 * random.nextDouble();
    }

    /** A contact with strength-1 ties to {@code perGroup[i]} members of {@code groups.get(i)}. */
    Node hub(String name, List<List<Node>> groups, int... perGroup) {
        Node hub = new Node(UUID.randomUUID(), "COMMUNITY_LEADER", name, null, "en", "99999");
        nodes.add(hub);
        for (int i = 0; i < perGroup.length; i++) {
            List<Node> members = groups.get(i);
            for (int made = 0, k = 0; made < perGroup[i]; k++) {
                if (tie(hub, members.get(k), 1.0)) {
                    made++;
                }
            }
        }
        return hub;
    }

    /** A contact that alone joins two otherwise separate parts, with two ties into each. */
    Node bridge(String name, List<Node> left, List<Node> right) {
        Node bridge = new Node(UUID.randomUUID(), "COMMUNITY_LEADER", name, null, "en", "99998");
        nodes.add(bridge);
        tie(bridge, left.get(0), 0.8);
        tie(bridge, left.get(1), 0.8);
        tie(bridge, right.get(0), 0.8);
        tie(bridge, right.get(1), 0.8);
        return bridge;
    }

    private boolean tie(Node a, Node b, double strength) {
        if (a.id().equals(b.id())) {
            return false;
        }
        String key = a.id().compareTo(b.id()) < 0 ? a.id() + "" + b.id() : b.id() + "" + a.id();
        if (!pairs.add(key)) {
            return false;
        }
        boolean cares = random.nextInt(5) == 0; // some directed ties, to exercise their handling
        edges.add(new Edge(UUID.randomUUID(), a.id(), b.id(), cares ? "CARES_FOR" : "FRIEND_OF", !cares,
                Math.round(strength * 1000) / 1000.0));
        return true;
    }

    /** Writes contacts, ties and their outbox rows; returns the last outbox position. */
    long write(DataSource dataSource, ObjectMapper json) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement contact = c.prepareStatement("""
                    INSERT INTO contact (id, kind, given_name, family_name, display_name, sort_name, postal_code,
                                         languages, created_at, updated_at, version)
                    VALUES (?, ?, ?, 'Planted', ?, ?, ?, ?, ?, ?, 1)""");
                 PreparedStatement outbox = c.prepareStatement("""
                    INSERT INTO outbox (type, aggregate_id, version, payload) VALUES (?, ?, 1, CAST(? AS jsonb))""")) {
                for (Node n : nodes) {
                    contact.setObject(1, n.id());
                    contact.setString(2, n.kind());
                    contact.setString(3, n.name());
                    contact.setString(4, n.name());
                    contact.setString(5, n.name().toLowerCase());
                    contact.setString(6, n.postalCode());
                    contact.setArray(7, c.createArrayOf("text", new Object[] {n.language()}));
                    contact.setTimestamp(8, now);
                    contact.setTimestamp(9, now);
                    contact.addBatch();
                    outbox.setString(1, "contact.upserted");
                    outbox.setObject(2, n.id());
                    outbox.setString(3, json.writeValueAsString(Map.of("id", n.id().toString(), "kind", n.kind(),
                            "displayName", n.name(), "version", 1)));
                    outbox.addBatch();
                }
                contact.executeBatch();
                outbox.executeBatch();
            }
            writeTies(c, edges, 1, null, json);
            c.commit();
            return lastPosition(c);
        }
    }

    /** Ends {@code count} random ties (until yesterday) and adds as many new ones inside planted groups. */
    long lightlyChange(DataSource dataSource, ObjectMapper json, List<Node> within, int count) throws Exception {
        Set<UUID> inside = new HashSet<>();
        within.forEach(n -> inside.add(n.id()));
        List<Edge> candidates = edges.stream().filter(e -> inside.contains(e.from()) && inside.contains(e.to())).toList();
        List<Edge> ended = new ArrayList<>();
        Set<Integer> picked = new HashSet<>();
        while (ended.size() < count) {
            int i = random.nextInt(candidates.size());
            if (picked.add(i)) {
                ended.add(candidates.get(i));
            }
        }
        Map<String, List<Node>> byGroup = new HashMap<>();
        within.stream().filter(n -> n.group() != null).forEach(n -> byGroup.computeIfAbsent(n.group(), k -> new ArrayList<>()).add(n));
        List<List<Node>> groups = new ArrayList<>(byGroup.values());
        int before = edges.size();
        while (edges.size() < before + count) {
            List<Node> g = groups.get(random.nextInt(groups.size()));
            tie(g.get(random.nextInt(g.size())), g.get(random.nextInt(g.size())), 0.3 + 0.7 * random.nextDouble());
        }
        List<Edge> added = new ArrayList<>(edges.subList(before, edges.size()));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            writeTies(c, ended, 2, java.time.LocalDate.now().minusDays(1), json);
            writeTies(c, added, 1, null, json);
            c.commit();
            return lastPosition(c);
        }
    }

    private static void writeTies(Connection c, List<Edge> ties, long version, java.time.LocalDate until,
                                  ObjectMapper json) throws Exception {
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement tie = c.prepareStatement("""
                INSERT INTO tie (id, from_id, to_id, type, "symmetric", until, declared_strength, strength, source,
                                 assertion, asserted_at, created_at, updated_at, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'IMPORT', 'ASSERTED', now(), ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET until = excluded.until, version = excluded.version""");
             PreparedStatement outbox = c.prepareStatement("""
                INSERT INTO outbox (type, aggregate_id, version, payload) VALUES ('tie.upserted', ?, ?, CAST(? AS jsonb))""")) {
            for (Edge e : ties) {
                tie.setObject(1, e.id());
                tie.setObject(2, e.from());
                tie.setObject(3, e.to());
                tie.setString(4, e.type());
                tie.setBoolean(5, e.symmetric());
                tie.setObject(6, until);
                tie.setDouble(7, e.strength());
                tie.setDouble(8, e.strength());
                tie.setTimestamp(9, now);
                tie.setTimestamp(10, now);
                tie.setLong(11, version);
                tie.addBatch();
                Map<String, Object> payload = new HashMap<>();
                payload.put("id", e.id().toString());
                payload.put("from", e.from().toString());
                payload.put("to", e.to().toString());
                payload.put("type", e.type());
                payload.put("symmetric", e.symmetric());
                payload.put("strength", e.strength());
                payload.put("since", null);
                payload.put("until", until == null ? null : until.toString());
                payload.put("version", version);
                outbox.setObject(1, e.id());
                outbox.setLong(2, version);
                outbox.setString(3, json.writeValueAsString(payload));
                outbox.addBatch();
            }
            tie.executeBatch();
            outbox.executeBatch();
        }
    }

    private static long lastPosition(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT coalesce(max(position), 0) FROM outbox");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
