import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

/**
 * Removes the community ids a run wrote to the contacts' nodes, so that the next run finds the store as a fresh or
 * rebuilt one and writes every node's ids (ab.sh with BENCH_AB_FRESH_IDS=1); with "scores" as second argument, the
 * scores too (PageRank, betweenness, degree, strength), so that the run also creates every node's score properties, as
 * the first run after an import does (BENCH_AB_FRESH_SCORES=1).
 * Usage: java -cp <service lib/main jars> ClearIds.java bolt://127.0.0.1:PORT [scores]
 */
public class ClearIds {
    public static void main(String[] args) {
        try (Driver driver = GraphDatabase.driver(args[0], AuthTokens.none()); Session s = driver.session()) {
            long t = System.nanoTime();
            s.run("""
                    MATCH (c:Contact) WHERE c.community IS NOT NULL OR c.communityLevels IS NOT NULL
                    CALL (c) { REMOVE c.community, c.communityLevels } IN TRANSACTIONS OF 10000 ROWS""").consume();
            System.out.printf("community ids removed from the nodes in %d ms%n", (System.nanoTime() - t) / 1_000_000);
            if (args.length > 1 && args[1].equals("scores")) {
                t = System.nanoTime();
                s.run("""
                        MATCH (c:Contact) WHERE c.pagerank IS NOT NULL OR c.betweenness IS NOT NULL
                           OR c.degree IS NOT NULL OR c.strength IS NOT NULL
                        CALL (c) { REMOVE c.pagerank, c.betweenness, c.degree, c.strength }
                        IN TRANSACTIONS OF 10000 ROWS""").consume();
                System.out.printf("scores removed from the nodes in %d ms%n", (System.nanoTime() - t) / 1_000_000);
            }
        }
    }
}
