package dev.gatehouse.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * For a test that runs a server of its own beside the shared context (its own mail or webhook
 * settings, a jar to kill): a free port, and the database of a Spring context of its own.
 */
public final class OwnServer {

    private static final Map<String, Path> DATA_DIRECTORIES = new HashMap<>();

    private OwnServer() {}

    /** A port of 127.0.0.1 that nothing listens on now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Points the server at its database and bootstraps the tests' operator: with -Pexternal-db the
     * external server's schema of this run, else an embedded PostgreSQL in a folder named after
     * {@code name}, made once and never the shared context's (two servers must never share one).
     */
    public static void database(DynamicPropertyRegistry registry, String name) {
        String external = TestDatabase.externalUrl();
        if (external != null) {
            registry.add("gatehouse.db.url", () -> external);
            registry.add("gatehouse.db.user", TestDatabase::user);
            registry.add("gatehouse.db.password", TestDatabase::password);
            // The shared context's folder: the same database, so the same generated secret key, never ./data.
            registry.add("gatehouse.data-dir", () -> TestDatabase.dataDirectory().toString());
        } else {
            registry.add("gatehouse.data-dir", () -> dataDirectory(name).toString());
        }
        registry.add("gatehouse.admin.username", () -> IntegrationTest.OPERATOR);
        registry.add("gatehouse.admin.password", () -> IntegrationTest.OPERATOR_PASSWORD);
        IntegrationTest.cheapPasswordHashing(registry::add);
    }

    private static synchronized Path dataDirectory(String name) {
        return DATA_DIRECTORIES.computeIfAbsent(name, key -> {
            try {
                return Files.createTempDirectory("gatehouse-" + key + "-it-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
