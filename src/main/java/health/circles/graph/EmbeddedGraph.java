package health.circles.graph;

/**
 * A Neo4j server that the service runs itself, for the run command and the tests. Present only in builds with the
 * embedded profile; a lean production build has no implementation and needs {@code NEO4J_URI}.
 */
public interface EmbeddedGraph {

    /** Starts the server if it is not running and returns its Bolt URI. */
    String start();

    /** Stops the server; the store stays on disk and {@link #start()} resumes it on the same port. */
    void stop();

    boolean running();
}
