package health.circles.graph;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where the graph lives: an external Neo4j (with the GDS plugin) when {@code uri} is set, else one started in-process. */
@ConfigMapping(prefix = "circles.neo4j")
public interface GraphConfig {

    /**
     * Bolt or neo4j:// URI of an external server (it needs the Graph Data Science plugin); empty to start Neo4j 5.26
     * with GDS inside the service, Bolt on 127.0.0.1 only. This and the username, password and trusted CA are also
     * read from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_TRUSTED_CA (aliases in application.properties).
     */
    Optional<String> uri();

    @WithDefault("neo4j")
    String username();

    Optional<String> password();

    /**
     * PEM file of the CA that signed the external server's certificate, for a CA the JVM's store does not hold (the
     * private CA of deploy/docker-compose.yml, an organisation's own). Empty: a {@code bolt+s://} or
     * {@code neo4j+s://} URI trusts the JVM's CA store, as the driver does by default. Set: the URI must be one of
     * those two, and the server's certificate must chain to this CA instead (see {@link Graph#trust}).
     */
    Optional<String> trustedCa();

    /** How long a graph transaction may keep retrying on transient failures before it gives up. */
    @WithDefault("5s")
    Duration retryTime();

    @WithDefault("5s")
    Duration connectTimeout();

    Embedded embedded();

    /** The in-process server of the run command and the tests. */
    interface Embedded {

        /** Folder of the store; kept across restarts. */
        @WithDefault("data/neo4j")
        String dataDir();

        /** Bolt port on 127.0.0.1; 0 picks a free one. */
        @WithDefault("7687")
        int boltPort();

        @WithDefault("256m")
        String pageCache();

        /** Wipe the folder before starting: for throwaway test stores. */
        @WithDefault("false")
        boolean fresh();

        /**
         * Graph Data Science keeps the adjacency lists of projected graphs uncompressed, read without decoding: at
         * 100k contacts / 1M ties a graph takes 52 MiB instead of 9 (three graphs in a run), and projections are about
         * a quarter, Leiden a fifth and PageRank a tenth faster (GDS alone on one core, bench/RESULTS.md, issue 17,
         * fortieth session). GDS's memory estimate counts 18 MiB for such a graph, so a run's estimate is low by some
         * 100 MiB at that size. {@code false} restores GDS's default, compressed lists, for graphs too large to hold
         * uncompressed. A GDS-wide switch: it applies to every projection in the process.
         */
        @WithDefault("true")
        boolean uncompressedAdjacency();
    }
}
