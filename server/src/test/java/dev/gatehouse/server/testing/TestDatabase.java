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
 * {@code GATEHOUSE_TEST_DB_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test}) in a fresh
 * schema, and fails — never skips — when that server cannot be reached.
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

    /** The external server's URL with this run's schema, or null when the embedded one is used. */
    public static synchronized String externalUrl() {
        if (!external()) {
            return null;
        }
        if (url == null) {
            String base = System.getenv().getOrDefault("GATEHOUSE_TEST_DB_URL", DEFAULT_EXTERNAL_URL);
            schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection connection = DriverManager.getConnection(base, user(), password())) {
                connection.createStatement().execute("create schema " + schema);
            } catch (SQLException e) {
                throw new IllegalStateException("The -Pexternal-db suite cannot reach PostgreSQL at " + base
                        + " (set GATEHOUSE_TEST_DB_URL): " + e.getMessage(), e);
            }
            url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            String dropped = schema;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> dropSchema(base, dropped), "drop-" + dropped));
        }
        return url;
    }

    /**
     * Drops this run's schema when the test JVM exits, so the shared server does not collect one per
     * run. Best effort: a schema left behind by a killed run is harmless and named {@code it_*}.
     */
    private static void dropSchema(String base, String name) {
        try (Connection connection = DriverManager.getConnection(base, user(), password())) {
            connection.createStatement().execute("set lock_timeout = '10s'");
            connection.createStatement().execute("drop schema if exists " + name + " cascade");
        } catch (SQLException e) {
            System.err.println("could not drop test schema " + name + ": " + e.getMessage());
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
