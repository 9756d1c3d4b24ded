package health.circles.outreach;

import health.circles.failure.Unavailable;
import health.circles.network.ActiveTie;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * Who-should-know-whom in Neo4j: the contacts two active ties away from a contact (sharing at least one of its
 * contacts, not tied to it), each scored by a link prediction measure (Adamic-Adar, resource allocation or common
 * neighbours) over the active ties only, with the shared contacts as the reason.
 */
@ApplicationScoped
public class SuggestionGraph {

    private static final Logger LOG = Logger.getLogger(SuggestionGraph.class);

    /**
     * The link prediction measures on offer, each as the Cypher term one shared contact {@code x} with {@code x.ties}
     * active ties adds to the score: the formulas of Graph Data Science's {@code gds.alpha.linkprediction.*}
     * functions, which take a relationship type rather than a filter and so would count ended ties too.
     */
    enum Measure {
        /** Σ 1 / ln(ties); a shared contact has at least two active ties (to both), so ln is never 0. */
        ADAMIC_ADAR("1.0 / log(x.ties)"),
        /** Σ 1 / ties. */
        RESOURCE_ALLOCATION("1.0 / x.ties"),
        /** The number of shared contacts. */
        COMMON_NEIGHBORS("1.0");

        final String term;

        Measure(String term) {
            this.term = term;
        }
    }

    /**
     * Candidates: contacts reached from the contact by two active ties (walked both ways), neither the contact nor one
     * of its active neighbours nor a contact to skip; the most shared contacts first when there are more than
     * {@code $prefilter}; then each scored by the measure over the shared contacts, each shared contact's ties
     * counted once per request (every shared contact is one of the contact's own neighbours) among its active TIE
     * relationships, both ways (as GDS counts a node's degree: every relationship once).
     * Whether the candidate is a current member of a support group comes along for the pairing rule.
     */
    private static final String CANDIDATES = """
            MATCH (c:Contact {id: $id})-[t:TIE]-(m:Contact)
            WHERE %1$s AND m <> c
            WITH c, collect(DISTINCT m) AS ring
            UNWIND ring AS m
            WITH c, ring, m, COUNT { (m)-[t:TIE]-(:Contact) WHERE %1$s } AS ties
            MATCH (m)-[t:TIE]-(o:Contact)
            WHERE %1$s AND o <> c AND NOT o IN ring AND NOT o.id IN $skip
            WITH o, collect(DISTINCT {id: m.id, ties: ties}) AS sharedTies
            ORDER BY size(sharedTies) DESC, o.id
            LIMIT $prefilter
            WITH o, [x IN sharedTies | x.id] AS shared, reduce(s = 0.0, x IN sharedTies | s + %2$s) AS score
            RETURN o.id AS id, o.kind AS kind, shared, score,
                   EXISTS { MATCH (o)-[g:MEMBER_OF_GROUP]->(:Group {kind: 'SUPPORT_GROUP'})
                            WHERE coalesce(g.until > date(), true) } AS supportGroup
            ORDER BY score DESC, id
            LIMIT $pool""";

    /** Contacts sharing at least one active tie with both. */
    private static final String SHARED = """
            MATCH (a:Contact {id: $a})-[t:TIE]-(m:Contact)
            WHERE %1$s
            WITH DISTINCT a, m
            MATCH (m)-[t:TIE]-(b:Contact {id: $b})
            WHERE %1$s
            RETURN count(DISTINCT m) AS shared""";

    private final Driver driver;

    SuggestionGraph(Driver driver) {
        this.driver = driver;
    }

    /** A candidate as the graph scores it. */
    record Candidate(UUID id, String kind, List<UUID> shared, double score, boolean supportGroup) {
    }

    List<Candidate> candidates(UUID contact, Measure measure, List<UUID> skip, int prefilter, int pool) {
        String cypher = CANDIDATES.formatted(ActiveTie.ACTIVE_TODAY_CYPHER, measure.term);
        try (Session session = driver.session()) {
            List<Candidate> out = new ArrayList<>();
            session.executeRead(tx -> tx.run(cypher, Map.of("id", contact.toString(),
                    "skip", skip.stream().map(UUID::toString).toList(), "prefilter", prefilter, "pool", pool)).list())
                    .forEach(r -> out.add(new Candidate(UUID.fromString(r.get("id").asString()),
                            r.get("kind").isNull() ? null : r.get("kind").asString(),
                            r.get("shared").asList(Value::asString).stream().map(UUID::fromString).sorted().toList(),
                            r.get("score").asDouble(), r.get("supportGroup").asBoolean())));
            return out;
        } catch (Neo4jException e) {
            LOG.warnf(e, "Suggestions for %s could not be read from the graph", contact);
            throw new Unavailable("graph-unavailable", "Graph unavailable",
                    "The relationship graph cannot be read just now; retry shortly", null);
        }
    }

    /** How many contacts both share through active ties. */
    int shared(UUID a, UUID b) {
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run(SHARED.formatted(ActiveTie.ACTIVE_TODAY_CYPHER),
                    Map.of("a", a.toString(), "b", b.toString())).single().get("shared").asInt());
        } catch (Neo4jException e) {
            LOG.warnf(e, "Shared contacts of %s and %s could not be read from the graph", a, b);
            throw new Unavailable("graph-unavailable", "Graph unavailable",
                    "The relationship graph cannot be read just now; retry shortly", null);
        }
    }
}
