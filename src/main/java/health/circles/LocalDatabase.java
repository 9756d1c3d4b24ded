package health.circles;

/**
 * A PostgreSQL that the run command starts itself when nothing answers on 127.0.0.1:5432. Present only in builds with
 * the embedded profile.
 */
public interface LocalDatabase {

    /** Starts the server (its data kept under {@code dataDir}) and returns the JDBC URL of database {@code name}. */
    String start(String dataDir, String name);
}
