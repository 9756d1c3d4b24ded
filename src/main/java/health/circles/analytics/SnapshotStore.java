package health.circles.analytics;

import health.circles.network.ActiveTie;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Writes a run's results into PostgreSQL: scores with ranks, community memberships per level under stable ids,
 * community summaries, links between communities, the overlapping (secondary) memberships and what each community's
 * detail lists ({@link CommunityDetails}). The figures are computed in memory ({@link SnapshotFigures}) from the run's
 * results and one read of the active ties (made while the algorithms compute: {@link Inputs}), and loaded with
 * COPY, inside the caller's transaction, so readers see a run whole or not at all; only the language and postal-code
 * mixes, which need the contact records, are aggregated in SQL.
 */
@ApplicationScoped
public class SnapshotStore {

    private static final Logger LOG = Logger.getLogger(SnapshotStore.class);

    /** Rows a fetch when the snapshot's inputs are streamed. */
    private static final int FETCH_SIZE = 10_000;

    private final CommunityIdentity identity;
    private final EntityManager em;
    private final AgroalDataSource dataSource;

    SnapshotStore(CommunityIdentity identity, EntityManager em, AgroalDataSource dataSource) {
        this.identity = identity;
        this.em = em;
        this.dataSource = dataSource;
    }

    /** What the snapshot found, for the run's quality figures. */
    record Result(List<Integer> communityCounts, List<Integer> nonSingletonCounts, int kept, long secondary) {
    }

    /**
     * What a snapshot reads from PostgreSQL that the run's results do not decide, read while the algorithms compute
     * ({@link #read}): the active ties, with their ends as the two halves of each uuid (not a million objects), and
     * the previous successful run's primary memberships and community sizes by level.
     */
    static final class Inputs {
        final UUID previous;
        final Map<Integer, Map<UUID, Long>> previousMembership = new HashMap<>();
        final Map<Integer, Map<Long, Integer>> previousSizes = new HashMap<>();
        private long[] ends = new long[4 * 1024];
        private double[] strength = new double[1024];
        private int ties;
        private long readMs;

        private Inputs(UUID previous) {
            this.previous = previous;
        }

        long readMs() {
            return readMs;
        }

        private void addTie(TieRow t) {
            if (ties == strength.length) {
                strength = Arrays.copyOf(strength, ties * 2);
                ends = Arrays.copyOf(ends, ties * 8);
            }
            int at = 4 * ties;
            ends[at] = t.from().getMostSignificantBits();
            ends[at + 1] = t.from().getLeastSignificantBits();
            ends[at + 2] = t.to().getMostSignificantBits();
            ends[at + 3] = t.to().getLeastSignificantBits();
            strength[ties++] = t.strength();
        }
    }

    private record TieRow(UUID from, UUID to, double strength) {
    }

    /** A row of the previous run, keyed within its level. */
    private record LevelEntry<K, V>(int level, K key, V value) {
    }

    /**
     * Reads a snapshot's {@link Inputs}, each table streamed on a pooled connection of its own; {@code previous} is the
     * latest successful run, if any.
     */
    Inputs read(UUID previous) {
        long t = System.nanoTime();
        Inputs inputs = new Inputs(previous);
        Sql.stream(dataSource, "SELECT t.from_id, t.to_id, t.strength FROM tie t WHERE " + ActiveTie.ACTIVE_TODAY_SQL,
                List.of(), FETCH_SIZE, r -> new TieRow(r.getObject(1, UUID.class), r.getObject(2, UUID.class),
                        r.getDouble(3)), inputs::addTie);
        if (previous != null) {
            Sql.stream(dataSource, """
                    SELECT level, contact_id, community_id FROM analytics_membership
                    WHERE run_id = ? AND is_primary""", List.of(previous), FETCH_SIZE,
                    r -> new LevelEntry<>(r.getInt(1), r.getObject(2, UUID.class), r.getLong(3)),
                    m -> inputs.previousMembership.computeIfAbsent(m.level(), k -> new HashMap<>())
                            .put(m.key(), m.value()));
            Sql.stream(dataSource, "SELECT level, id, size FROM analytics_community WHERE run_id = ?",
                    List.of(previous), FETCH_SIZE, r -> new LevelEntry<>(r.getInt(1), r.getLong(2), r.getInt(3)),
                    k -> inputs.previousSizes.computeIfAbsent(k.level(), l -> new HashMap<>()).put(k.key(), k.value()));
        }
        inputs.readMs = (System.nanoTime() - t) / 1_000_000;
        return inputs;
    }

    /**
     * The part of a snapshot its communities alone decide, done on {@code c} (the run's transaction) as soon as they
     * are computed, while betweenness still runs: the public community ids, the contacts kept (those not erased), the
     * communities' figures and the memberships' rows. {@code nodes} need no scores.
     */
    Prepared prepare(Connection c, UUID run, Inputs inputs, List<AlgorithmGraph.NodeResult> nodes, RunParameters p)
            throws SQLException {
        Steps steps = new Steps();
        int levels = nodes.stream().mapToInt(n -> n.levels().length).max().orElse(1);
        // Public level 0 is the coarsest partition, GDS's last; deeper levels are finer.
        long[][] publicIds = new long[nodes.size()][levels];
        List<Integer> counts = new ArrayList<>();
        List<Integer> nonSingletons = new ArrayList<>();
        int kept = 0;
        for (int level = 0; level < levels; level++) {
            long[] raw = new long[nodes.size()];
            for (int i = 0; i < nodes.size(); i++) {
                long[] own = nodes.get(i).levels();
                raw[i] = own[Math.max(0, own.length - 1 - level)];
            }
            Map<UUID, Long> before = inputs.previousMembership.getOrDefault(level, Map.of());
            Map<Long, Integer> beforeSizes = inputs.previousSizes.getOrDefault(level, Map.of());
            CommunityIdentity.Assignment assigned = identity.assign(nodes, raw, before, beforeSizes,
                    p.identityOverlap(), k -> newIds(c, k));
            kept += assigned.kept();
            counts.add(assigned.communities());
            nonSingletons.add(assigned.nonSingletons());
            for (int i = 0; i < nodes.size(); i++) {
                publicIds[i][level] = assigned.ids()[i];
            }
        }
        steps.lap("identity");
        Kept snapshot = withoutErased(c, nodes, publicIds);
        SnapshotFigures.Ties ties = activeTies(inputs, snapshot.contacts());
        steps.lap("ties");
        SnapshotFigures figures = SnapshotFigures.compute(snapshot.contacts(), snapshot.kinds(), snapshot.ids(),
                levels, ties, p.resolution(), p.overlapShare());
        steps.lap("figures");
        copyMemberships(c, run, snapshot, figures);
        steps.lap("copyMemberships");
        LOG.infof("Snapshot of run %s, its communities' part, ms by step: %s", run, steps.ms);
        return new Prepared(nodes, publicIds, levels, counts, nonSingletons, kept, snapshot, figures);
    }

    /** What {@link #prepare} did, for {@link #finish}: the contacts in its order, and what it computed for them. */
    record Prepared(List<AlgorithmGraph.NodeResult> nodes, long[][] publicIds, int levels, List<Integer> counts,
                    List<Integer> nonSingletons, int kept, Kept snapshot, SnapshotFigures figures) {
    }

    /**
     * Ends a snapshot {@link #prepare} began on {@code c}, with every contact's scores ({@code scored}, in any order):
     * scores, ranks, communities' details, statistics and descriptions. As soon as the public community ids are final
     * they go to {@code graph} with the contacts kept ({@link GraphWrite}), so that the caller can
     * write them to the graph while PostgreSQL loads the rest. A contact erased since the communities' part makes that
     * part be done again without it (its memberships' rows deleted first): no row of this run names it. Erasures wait
     * from here to the run's commit.
     */
    Result finish(Connection c, UUID run, Inputs inputs, Prepared prepared, List<AlgorithmGraph.NodeResult> scored,
                  RunParameters p, Consumer<GraphWrite> graph) throws SQLException {
        List<AlgorithmGraph.NodeResult> nodes = inOrderOf(prepared.nodes(), scored);
        Steps steps = new Steps();
        // Erasures in flight are waited for, and those that start now wait for this run to commit: no erasure commits
        // between this look at the register and the snapshot's commit, so none can miss this run's rows (its forget()
        // does not see them) while this run misses it (a few seconds at 100k contacts, once a run).
        Sql.execute(c, "LOCK TABLE contact_erasure IN SHARE MODE", List.of());
        steps.lap("erasures");
        if (erasedAmong(c, prepared.snapshot().contacts())) {
            Sql.update(c, "DELETE FROM analytics_membership WHERE run_id = ?", List.of(run));
            prepared = prepare(c, run, inputs, nodes, p);
            steps.lap("prepareAgain");
        }
        int levels = prepared.levels();
        Kept partial = prepared.snapshot();
        Kept snapshot = new Kept(partial.contacts(), partial.kinds(), keptOf(nodes, partial),
                partial.ids());
        graph.accept(new GraphWrite(graphRows(nodes, prepared.publicIds(), levels), snapshot.nodes(),
                snapshot.nodes().size() == nodes.size()));
        SnapshotFigures figures = prepared.figures();
        Ranks ranks = ranks(snapshot, figures);
        steps.lap("ranks");
        CommunityDetails details = CommunityDetails.compute(snapshot.contacts(), snapshot.ids(), levels, figures,
                ranks.pagerank(), ranks.betweenness());
        steps.lap("details");
        copyScores(c, run, snapshot, ranks);
        steps.lap("copyScores");
        copyCommunities(c, run, snapshot, figures, details);
        steps.lap("copyCommunities");
        // Fresh statistics for the readers (ANALYZE counts this transaction's own rows); as the tables' owner. Before
        // the description's join: planned on the statistics of the run before, which hold none of this run's rows, it
        // took 6.4 s on a second run at 100k / 1M against 0.7 s on the first.
        Sql.execute(c, "SELECT analytics_analyze_scores()", List.of());
        Sql.execute(c, "SELECT analytics_analyze_communities()", List.of());
        steps.lap("analyze");
        describeCommunities(c, run);
        steps.lap("describe");
        LOG.infof("Snapshot of run %s, ms by step: %s", run, steps.ms);
        return new Result(prepared.counts(), prepared.nonSingletons(), prepared.kept(), figures.secondary);
    }

    /**
     * What the graph's nodes get from a snapshot: the public community ids of the contacts whose ids changed (one map a
     * contact: id, community, levels coarse to fine), and the contacts kept with their scores; {@code everyoneKept}
     * false when a contact of the projection has been erased since, whose node is gone or going.
     */
    record GraphWrite(List<Map<String, Object>> ids, List<AlgorithmGraph.NodeResult> kept, boolean everyoneKept) {
    }

    /**
     * {@code scored} in the order of {@code order} (the same contacts, by id). Both come from the same projection, so
     * a contact missing from either is a fault, not an input.
     */
    static List<AlgorithmGraph.NodeResult> inOrderOf(List<AlgorithmGraph.NodeResult> order,
                                                     List<AlgorithmGraph.NodeResult> scored) {
        Map<String, AlgorithmGraph.NodeResult> byId = new HashMap<>(scored.size() * 2);
        for (AlgorithmGraph.NodeResult n : scored) {
            byId.put(n.id(), n);
        }
        if (byId.size() != order.size()) {
            throw new IllegalStateException("the scores cover " + byId.size() + " contacts, the communities "
                    + order.size());
        }
        List<AlgorithmGraph.NodeResult> sorted = new ArrayList<>(order.size());
        for (AlgorithmGraph.NodeResult n : order) {
            AlgorithmGraph.NodeResult s = byId.get(n.id());
            if (s == null || !Arrays.equals(s.levels(), n.levels())) {
                throw new IllegalStateException("contact " + n.id() + " has no scores, or other communities, in the "
                        + "scores' stream");
            }
            sorted.add(s);
        }
        return sorted;
    }

    /** The scored nodes of the contacts {@code kept} holds, in its order ({@code all}: every contact, scored). */
    private static List<AlgorithmGraph.NodeResult> keptOf(List<AlgorithmGraph.NodeResult> all, Kept kept) {
        if (kept.nodes().size() == all.size()) {
            return all;
        }
        Map<String, AlgorithmGraph.NodeResult> byId = new HashMap<>(all.size() * 2);
        for (AlgorithmGraph.NodeResult n : all) {
            byId.put(n.id(), n);
        }
        List<AlgorithmGraph.NodeResult> result = new ArrayList<>(kept.nodes().size());
        for (AlgorithmGraph.NodeResult n : kept.nodes()) {
            result.add(byId.get(n.id()));
        }
        return result;
    }

    /** Whether any of {@code contacts} has been erased (since they were kept). */
    private static boolean erasedAmong(Connection c, UUID[] contacts) throws SQLException {
        return !Sql.query(c, "SELECT 1 FROM contact_erasure WHERE contact_id = ANY(?) LIMIT 1",
                List.of((Object) contacts), r -> r.getInt(1)).isEmpty();
    }

    /**
     * The public community ids the graph's nodes must take, the coarsest and all coarse to fine, for the contacts whose
     * nodes did not hold exactly these when streamed: in steady state most keep theirs, and after a rebuild (nodes with
     * none) or a run that failed after its graph write (nodes holding that run's) the nodes say what they hold.
     */
    static List<Map<String, Object>> graphRows(List<AlgorithmGraph.NodeResult> nodes, long[][] publicIds,
                                               int levels) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (java.util.Arrays.equals(nodes.get(i).written(), publicIds[i])) {
                continue;
            }
            List<Long> ids = new ArrayList<>(levels);
            for (long id : publicIds[i]) {
                ids.add(id);
            }
            rows.add(Map.of("id", nodes.get(i).id(), "community", publicIds[i][0], "levels", ids));
        }
        return rows;
    }

    /** Milliseconds of each step of a snapshot, for the log: where a slow snapshot spends its time. */
    private static final class Steps {
        final Map<String, Long> ms = new LinkedHashMap<>();
        private long last = System.nanoTime();

        void lap(String step) {
            long now = System.nanoTime();
            ms.put(step, (now - last) / 1_000_000);
            last = now;
        }
    }

    /** The contacts a snapshot holds, in one order: their ids, kinds, results and public community ids per level. */
    private record Kept(UUID[] contacts, String[] kinds, List<AlgorithmGraph.NodeResult> nodes, long[][] ids) {
    }

    /** The run's contacts less those erased while it computed: the graph still had them, the snapshot must not. */
    private static Kept withoutErased(Connection c, List<AlgorithmGraph.NodeResult> nodes, long[][] publicIds) {
        UUID[] all = nodes.stream().map(n -> UUID.fromString(n.id())).toArray(UUID[]::new);
        Set<UUID> erased = new HashSet<>(Sql.query(c,
                "SELECT contact_id FROM contact_erasure WHERE contact_id = ANY(?)", List.of((Object) all),
                r -> r.getObject(1, UUID.class)));
        List<UUID> contacts = new ArrayList<>(all.length);
        List<String> kinds = new ArrayList<>(all.length);
        List<AlgorithmGraph.NodeResult> kept = new ArrayList<>(all.length);
        List<long[]> ids = new ArrayList<>(all.length);
        for (int i = 0; i < all.length; i++) {
            if (!erased.contains(all[i])) {
                contacts.add(all[i]);
                kinds.add(nodes.get(i).kind());
                kept.add(nodes.get(i));
                ids.add(publicIds[i]);
            }
        }
        return new Kept(contacts.toArray(UUID[]::new), kinds.toArray(String[]::new), kept,
                ids.toArray(long[][]::new));
    }

    /**
     * The active ties between the snapshot's contacts, as read into {@code inputs} (a tie joining a contact the
     * snapshot does not hold is left out, as a contact erased since), by the contacts' places in the snapshot.
     */
    private static SnapshotFigures.Ties activeTies(Inputs inputs, UUID[] contacts) {
        Map<UUID, Integer> index = new HashMap<>(contacts.length * 2);
        for (int i = 0; i < contacts.length; i++) {
            index.put(contacts[i], i);
        }
        IntList from = new IntList();
        IntList to = new IntList();
        double[] strength = new double[inputs.ties];
        long[] ends = inputs.ends;
        for (int i = 0; i < inputs.ties; i++) {
            Integer a = index.get(new UUID(ends[4 * i], ends[4 * i + 1]));
            Integer b = index.get(new UUID(ends[4 * i + 2], ends[4 * i + 3]));
            if (a != null && b != null) {
                strength[from.size] = inputs.strength[i];
                from.add(a);
                to.add(b);
            }
        }
        return new SnapshotFigures.Ties(from.toArray(), to.toArray(), Arrays.copyOf(strength, from.size));
    }

    /** A growable array of ints, so that a million ties take four megabytes, not a million boxes. */
    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    /** Each contact's rank by each score, indexed like the snapshot's contacts. */
    private record Ranks(int[] pagerank, int[] betweenness, int[] degree, int[] strength) {
    }

    private static Ranks ranks(Kept snapshot, SnapshotFigures figures) {
        List<AlgorithmGraph.NodeResult> nodes = snapshot.nodes();
        return new Ranks(figures.ranks(nodes.stream().mapToDouble(AlgorithmGraph.NodeResult::pagerank).toArray()),
                figures.ranks(nodes.stream().mapToDouble(AlgorithmGraph.NodeResult::betweenness).toArray()),
                figures.ranks(nodes.stream().mapToDouble(AlgorithmGraph.NodeResult::degree).toArray()),
                figures.ranks(nodes.stream().mapToDouble(AlgorithmGraph.NodeResult::strength).toArray()));
    }

    // Scores, memberships and links go in as binary COPY: numbers and uuids, which a text COPY formats in Java and
    // parses in PostgreSQL one by one. The rows of each table go in in the order of one of its indexes, so that this
    // index grows at its right edge instead of at random pages: at 100k / 1M, in psql, 365,000 links took 1.6 s in key
    // order against 3.9 s in random order, 400,000 memberships 2.6 s against 4.0 s, 100,000 scores 1.1 s against
    // 1.7-2.1 s. The memberships in the order of the index their readers use by community also lie together on the
    // table's pages.

    private static void copyScores(Connection c, UUID run, Kept snapshot, Ranks ranks) throws SQLException {
        List<AlgorithmGraph.NodeResult> nodes = snapshot.nodes();
        // By PageRank rank: the other ranks follow it closely (they are ranks of the same contacts' centrality).
        int[] order = new int[nodes.size()];
        for (int i = 0; i < order.length; i++) {
            order[ranks.pagerank()[i] - 1] = i;
        }
        Sql.copyInBinary(c, """
                COPY analytics_score (run_id, contact_id, kind, pagerank, betweenness, degree, strength, rank_pagerank,
                                      rank_betweenness, rank_degree, rank_strength, community_id)
                FROM STDIN WITH (FORMAT binary)""",
                rows -> {
                    for (int i : order) {
                        AlgorithmGraph.NodeResult n = nodes.get(i);
                        rows.row(run, snapshot.contacts()[i], n.kind(), n.pagerank(), n.betweenness(), n.degree(),
                                n.strength(), ranks.pagerank()[i], ranks.betweenness()[i], ranks.degree()[i],
                                ranks.strength()[i], snapshot.ids()[i][0]);
                    }
                });
    }

    private static void copyMemberships(Connection c, UUID run, Kept snapshot, SnapshotFigures figures)
            throws SQLException {
        Sql.copyInBinary(c, """
                COPY analytics_membership (run_id, contact_id, level, community_id, is_primary, share)
                FROM STDIN WITH (FORMAT binary)""",
                rows -> {
                    UUID[] contacts = snapshot.contacts();
                    List<SnapshotFigures.Membership> sorted = new ArrayList<>(figures.memberships);
                    // analytics_membership_community's order: community, primary or not, contact.
                    sorted.sort(Comparator.comparingLong(SnapshotFigures.Membership::community)
                            .thenComparing(SnapshotFigures.Membership::primary)
                            .thenComparing((x, y) -> SnapshotFigures.compareIds(contacts[x.contact()], contacts[y.contact()])));
                    for (SnapshotFigures.Membership m : sorted) {
                        rows.row(run, snapshot.contacts()[m.contact()], m.level(), m.community(), m.primary(),
                                m.share());
                    }
                });
    }

    /** Each community's summary with what its detail lists ({@link CommunityDetails}), and the links. */
    private static void copyCommunities(Connection c, UUID run, Kept snapshot, SnapshotFigures figures,
                                        CommunityDetails details) throws SQLException {
        Sql.copyIn(c, """
                COPY analytics_community (run_id, id, level, parent_id, size, internal_ties, internal_strength,
                       external_strength, density, modularity_contribution, kind_mix, languages, postal_codes,
                       secondary_count, bridges, bridge_ties, bridge_strengths, top_members, bridging_members,
                       secondary_members)
                FROM STDIN""", rows -> {
                    for (SnapshotFigures.Community k : figures.communities) {
                        CommunityDetails.Lists d = details.lists.get(k.id());
                        rows.row(run, k.id(), k.level(), k.parent(), k.size(), k.internalTies(), k.internalStrength(),
                                k.externalStrength(), k.density(), k.modularityContribution(), json(k.kindMix()),
                                "[]", "[]", d.secondaryCount(), array(Arrays.stream(d.bridges()).boxed()),
                                array(Arrays.stream(d.bridgeTies()).boxed()),
                                array(Arrays.stream(d.bridgeStrengths()).boxed()),
                                array(Arrays.stream(d.top()).mapToObj(i -> snapshot.contacts()[i])),
                                array(Arrays.stream(d.bridging()).mapToObj(i -> snapshot.contacts()[i])),
                                array(Arrays.stream(d.secondary()).mapToObj(i -> snapshot.contacts()[i])));
                    }
                });
        List<SnapshotFigures.Link> links = new ArrayList<>(figures.links);
        links.sort(Comparator.comparingLong(SnapshotFigures.Link::a).thenComparingLong(SnapshotFigures.Link::b));
        Sql.copyInBinary(c, """
                COPY analytics_community_link (run_id, level, a, b, ties, strength)
                FROM STDIN WITH (FORMAT binary)""", rows -> {
            for (SnapshotFigures.Link l : links) {
                rows.row(run, l.level(), l.a(), l.b(), l.ties(), l.strength());
            }
        });
    }

    /**
     * Numbers or uuids as a PostgreSQL array literal; a double's shortest decimal form reads back as the same double,
     * so bridges order the same when read as when computed.
     */
    private static String array(java.util.stream.Stream<?> values) {
        return values.map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }

    /** A kind mix as a JSON object; kinds are enum names, which need no escaping. */
    private static String json(Map<String, Integer> kindMix) {
        StringBuilder out = new StringBuilder("{");
        kindMix.forEach((kind, n) -> out.append(out.length() > 1 ? ", " : "").append('"').append(kind).append("\": ")
                .append(n));
        return out.append('}').toString();
    }

    /**
     * Each community's five most common languages and postal codes, from its members' contact records: one join of
     * the primary memberships with the contacts, kept for both counts, and enough working memory for the counts to stay
     * in memory (the server's default 4 MB made them spill to disk at 100k contacts). A postal code is listed only when
     * at least {@link CommunityNames#MIN_SHARED} members share it, as a name only names one shared that widely: every
     * analytics role reads these figures, and the limited view shows a contact's postal code only with MAIL granted, so
     * a community of one or two must not show theirs.
     */
    private static void describeCommunities(Connection c, UUID run) throws SQLException {
        Sql.update(c, "SET LOCAL work_mem = '64MB'", List.of());
        Sql.update(c, """
                WITH m AS MATERIALIZED (SELECT m.community_id, ct.languages, ct.postal_code
                                        FROM analytics_membership m JOIN contact ct ON ct.id = m.contact_id
                                        WHERE m.run_id = ? AND m.is_primary),
                langs AS (SELECT community_id, jsonb_agg(jsonb_build_object('value', v, 'count', n) ORDER BY n DESC, v) AS top
                          FROM (SELECT community_id, v, n, row_number() OVER (PARTITION BY community_id ORDER BY n DESC, v) AS r
                                FROM (SELECT m.community_id, l AS v, count(*) AS n FROM m CROSS JOIN unnest(m.languages) AS l
                                      GROUP BY 1, 2) x) y
                          WHERE r <= 5 GROUP BY 1),
                postal AS (SELECT community_id, jsonb_agg(jsonb_build_object('value', v, 'count', n) ORDER BY n DESC, v) AS top
                           FROM (SELECT community_id, v, n, row_number() OVER (PARTITION BY community_id ORDER BY n DESC, v) AS r
                                 FROM (SELECT m.community_id, m.postal_code AS v, count(*) AS n FROM m
                                       WHERE m.postal_code IS NOT NULL GROUP BY 1, 2 HAVING count(*) >= ?) x) y
                           WHERE r <= 5 GROUP BY 1)
                UPDATE analytics_community c
                SET languages = coalesce(langs.top, '[]'::jsonb), postal_codes = coalesce(postal.top, '[]'::jsonb)
                FROM (SELECT id FROM analytics_community WHERE run_id = ?) c2
                LEFT JOIN langs ON langs.community_id = c2.id
                LEFT JOIN postal ON postal.community_id = c2.id
                WHERE c.run_id = ? AND c.id = c2.id
                  AND (langs.top IS NOT NULL OR postal.top IS NOT NULL)""", List.of(run, CommunityNames.MIN_SHARED, run, run));
    }

    private long[] newIds(Connection c, int count) {
        long[] out = new long[count];
        if (count == 0) {
            return out;
        }
        List<Long> ids = Sql.query(c, "SELECT nextval('analytics_community_id') FROM generate_series(1, ?)",
                List.of(count), r -> r.getLong(1));
        for (int i = 0; i < ids.size(); i++) {
            out[i] = ids.get(i);
        }
        return out;
    }

    /**
     * Takes an erased contact out of every snapshot, inside the erasure transaction: its scores and memberships go,
     * and with them its places in the communities' detail lists; the communities it was a primary member of count one
     * member less, those it was a secondary member of one secondary member less.
     */
    void forget(UUID contact) {
        em.createNativeQuery("""
                        UPDATE analytics_community c
                        SET size = CASE WHEN m.is_primary THEN greatest(c.size - 1, 0) ELSE c.size END,
                            secondary_count = c.secondary_count - CASE WHEN m.is_primary THEN 0 ELSE 1 END,
                            top_members = array_remove(c.top_members, m.contact_id),
                            bridging_members = array_remove(c.bridging_members, m.contact_id),
                            secondary_members = array_remove(c.secondary_members, m.contact_id)
                        FROM analytics_membership m
                        WHERE m.contact_id = :id AND c.run_id = m.run_id AND c.id = m.community_id""")
                .setParameter("id", contact).executeUpdate();
        em.createNativeQuery("DELETE FROM analytics_membership WHERE contact_id = :id")
                .setParameter("id", contact).executeUpdate();
        em.createNativeQuery("DELETE FROM analytics_score WHERE contact_id = :id")
                .setParameter("id", contact).executeUpdate();
    }
}
