package health.circles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * Prepares a local PostgreSQL (the run command's, the tests') the way a deployment is set up: the roles circles_owner,
 * which owns the schema and runs the migrations, and circles_app, which the service connects as, and a database owned
 * by circles_owner. Connects as a superuser; never used when DB_URL points at a deployment's database.
 */
public final class LocalRoles {

    public static final String OWNER = "circles_owner";
    public static final String APP = "circles_app";
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /**
     * Takes objects a superuser created before the roles existed (a database of an earlier version) over to the
     * owner role; objects of extensions stay with the extension.
     */
    private static final String TAKE_OVER = """
            DO
            $$
            DECLARE
                r record;
            BEGIN
                ALTER SCHEMA public OWNER TO circles_owner;
                FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
                         JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
                           AND pg_get_userbyid(c.relowner) <> 'circles_owner'
                           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') LOOP
                    EXECUTE format('ALTER %s %s OWNER TO circles_owner',
                                   CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                                   r.name);
                END LOOP;
                FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> 'circles_owner'
                           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('e', 'a')) LOOP
                    EXECUTE format('ALTER SEQUENCE %s OWNER TO circles_owner', r.name);
                END LOOP;
                FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> 'circles_owner'
                           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
                    EXECUTE format('ALTER ROUTINE %s OWNER TO circles_owner', r.name);
                END LOOP;
            END
            $$""";

    private LocalRoles() {
    }

    /**
     * Makes sure both roles exist and that {@code database} on the server at {@code server} (a JDBC URL without a
     * database, e.g. {@code jdbc:postgresql://127.0.0.1:5432/}) is owned by circles_owner. An existing database of
     * another owner is recreated when {@code disposable} (the tests wipe theirs anyway), else taken over in place.
     */
    public static void prepare(String server, String user, String password, String database, boolean disposable) {
        if (!NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("Database name " + database + " is not a plain lower-case identifier");
        }
        try (Connection c = DriverManager.getConnection(server + "postgres", user, password);
             Statement s = c.createStatement()) {
            s.execute(script());
            String owner = ownerOf(c, database);
            if (owner != null && !owner.equals(OWNER) && disposable) {
                s.execute("DROP DATABASE " + database + " WITH (FORCE)"); // a checked identifier: names cannot be bound
                owner = null;
            }
            if (owner == null) {
                s.execute("CREATE DATABASE " + database + " OWNER " + OWNER);
                return;
            }
            if (!owner.equals(OWNER)) {
                s.execute("ALTER DATABASE " + database + " OWNER TO " + OWNER);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not prepare the roles and database " + database + " at " + server
                    + ": " + e.getMessage(), e);
        }
        try (Connection c = DriverManager.getConnection(server + database, user, password);
             Statement s = c.createStatement()) {
            s.execute(TAKE_OVER);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not hand database " + database + " to " + OWNER + ": "
                    + e.getMessage(), e);
        }
    }

    private static String ownerOf(Connection c, String database) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?""")) {
            s.setString(1, database);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** The role script, also run by CI before the tests (db/roles/local.sql). */
    private static String script() {
        try (InputStream in = LocalRoles.class.getResourceAsStream("/db/roles/local.sql")) {
            if (in == null) {
                throw new IllegalStateException("db/roles/local.sql is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
