package dev.gatehouse.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Where the *IT suite's database is. By default each test JVM gets its own embedded PostgreSQL in
 * a temporary folder. With {@code -Pexternal-db} it uses the server at
 * {@code GATEHOUSE_TEST_DB_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}): a database
 * of this JVM's own on it (when the user may create one; else that URL's database) holding a fresh
 * schema, and fails — never skips — when that server cannot be reached. A database of its own, not
 * only a schema, because NOTIFY channels, advisory locks and {@code pg_stat_activity}'s
 * {@code datname} are per database: failsafe's JVMs running at once must not hear each other.
 */
public final class TestDatabase {

    public static final String DEFAULT_EXTERNAL_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private static String url;
    private static String schema;
    private static Path dataDirectory;

    private TestDatabase() {}

    public static boolean external() {
        return "external".equals(System.getProperty("gatehouse.test.db.url", ""));
    }

    /** The external server's URL with this run's database and schema, or null when the embedded one is used. */
    public static synchronized String externalUrl() {
        if (!external()) {
            return null;
        }
        if (url == null) {
            String base = System.getenv().getOrDefault("GATEHOUSE_TEST_DB_URL", DEFAULT_EXTERNAL_URL);
            String name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            String database = ownDatabase(base, name);
            String in = database == null ? base : withDatabase(base, database);
            schema = name;
            try (Connection connection = DriverManager.getConnection(in, user(), password())) {
                connection.createStatement().execute("create schema " + schema);
            } catch (SQLException e) {
                throw new IllegalStateException("The -Pexternal-db suite cannot reach PostgreSQL at " + base
                        + " (set GATEHOUSE_TEST_DB_URL): " + e.getMessage(), e);
            }
            url = in + (in.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(base, database, in, name), "drop-" + name));
        }
        return url;
    }

    /** Creates database {@code name} on the server of {@code base}; null when this user may not. */
    private static String ownDatabase(String base, String name) {
        try (Connection connection = DriverManager.getConnection(base, user(), password())) {
            connection.createStatement().execute("create database " + name);
            return name;
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) { // insufficient_privilege: a schema in the URL's database
                return null;
            }
            throw new IllegalStateException("The -Pexternal-db suite cannot reach PostgreSQL at " + base
                    + " (set GATEHOUSE_TEST_DB_URL): " + e.getMessage(), e);
        }
    }

    /** {@code base} naming {@code database} instead of its own (the path's last segment, before any query). */
    static String withDatabase(String base, String database) {
        int query = base.indexOf('?');
        String path = query < 0 ? base : base.substring(0, query);
        return path.substring(0, path.lastIndexOf('/') + 1) + database + (query < 0 ? "" : base.substring(query));
    }

    /**
     * Drops this run's database (or its schema in the URL's database) when the test JVM exits, so the
     * shared server does not collect one per run. Best effort: one left behind by a killed run is
     * harmless and named {@code it_*}.
     */
    private static void drop(String base, String database, String in, String name) {
        try (Connection connection = DriverManager.getConnection(database == null ? in : base, user(), password())) {
            connection.createStatement().execute("set lock_timeout = '10s'");
            connection.createStatement().execute(database == null ? "drop schema if exists " + name + " cascade"
                    : "drop database if exists " + database + " with (force)");
        } catch (SQLException e) {
            System.err.println("could not drop test " + (database == null ? "schema " : "database ") + name + ": "
                    + e.getMessage());
        }
    }

    public static String schema() {
        return schema;
    }

    public static String user() {
        return System.getenv().getOrDefault("GATEHOUSE_TEST_DB_USER", "postgres");
    }

    public static String password() {
        return System.getenv().getOrDefault("GATEHOUSE_TEST_DB_PASSWORD", "");
    }

    /** A fresh folder for the embedded server of this test JVM. */
    public static synchronized Path dataDirectory() {
        if (dataDirectory == null) {
            try {
                dataDirectory = Files.createTempDirectory("gatehouse-it-");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return dataDirectory;
    }
}
