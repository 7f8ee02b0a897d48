package dev.gatehouse.server.database;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.OwnServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's run path as a user lives it: the packaged server on its embedded PostgreSQL, killed
 * with SIGKILL and started again on the same data folder, loses nothing and starts cleanly
 * (issue 3, "Done when").
 */
class KilledServerRestartIT {

    private static final Path JAR = Path.of("target", "gatehouse.jar");
    private static final String PASSWORD = "operator-password-restart-test";

    private Path data;
    private Process server;

    @AfterEach
    void cleanUp() throws IOException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
        }
        if (data != null) {
            EmbeddedDatabase.clearOrphan(data.resolve("postgres"));
        }
    }

    @Test
    void aServerKilledWithSigkillRestartsOnTheSameDataAndLosesNothing() throws Exception {
        assertThat(JAR).as("the packaged server (built in the package phase)").exists();
        data = Files.createTempDirectory("gatehouse-restart-");
        int port = OwnServer.freePort();

        server = start(port);
        ApiClient api = new ApiClient(port);
        awaitHealthy(api);
        String operator = api.login("platform", "operator", PASSWORD);
        ApiClient.Response created = api.post("/api/v1/tenants", operator, json("slug", "survivor", "name",
                "Survivor Clinic", "pack", "clinic", "admin", raw(json("username", "olive", "firstName", "Olive",
                        "lastName", "Owner", "password", "olive-initial-password"))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);

        server.destroyForcibly(); // SIGKILL: no shutdown hooks, PostgreSQL is left as it was
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();

        server = start(port);
        awaitHealthy(api);
        String again = api.login("platform", "operator", PASSWORD);
        ApiClient.Response tenants = api.get("/api/v1/tenants", again);
        assertThat(tenants.body().at("/items").toString()).contains("survivor");
        assertThat(api.post("/api/v1/auth/login", null, json("tenant", "survivor", "username", "olive", "password",
                "olive-initial-password")).status()).isEqualTo(200);

        server.destroy(); // SIGTERM: a clean stop also stops PostgreSQL
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
    }

    private Process start(int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-jar", JAR.toString(),
                "--server.port=" + port, "--gatehouse.data-dir=" + data, "--gatehouse.admin.username=operator",
                "--gatehouse.admin.password=" + PASSWORD));
        builder.environment().remove("GATEHOUSE_DB_URL");
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("server.log").toFile()));
        return builder.start();
    }

    private void awaitHealthy(ApiClient api) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("server exited; see %s", data.resolve("server.log")).isTrue();
            try {
                if (api.get("/actuator/health", null).status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("server did not become healthy in 120 s; see " + data.resolve("server.log")
                + ":\n" + Files.readString(data.resolve("server.log")));
    }
}
