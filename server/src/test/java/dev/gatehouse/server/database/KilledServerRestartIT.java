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
import org.springframework.util.FileSystemUtils;

/**
 * The README's run path as a user lives it: the packaged server, started by README.md's run command
 * ({@code scripts/run.sh}: the jar extracted, and run with the class cache of this JDK — an AOT cache on
 * JDK 25 and newer, the class-data sharing archive before), on its embedded PostgreSQL, killed with
 * SIGKILL and started again on the same data folder, loses nothing and starts cleanly (issue 3, "Done
 * when"); the cache run.sh trained before the first start (a start that stops once the context is refreshed)
 * is one the JVM accepts for that layout (issue 17).
 */
class KilledServerRestartIT {

    private static final Path JAR = Path.of("target", "gatehouse.jar").toAbsolutePath();
    private static final Path RUN = Path.of("..", "scripts", "run.sh").toAbsolutePath();
    private static final String PASSWORD = "operator-password-restart-test";
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    /** run.sh's choice for this JDK: an AOT cache from JDK 25 (JEP 514), the class-data sharing archive before. */
    private static final boolean AOT = Runtime.version().feature() >= 25;

    /** A bound, not a measure: run.sh's training start (at most its own 600 s), then the start from the cache. */
    private static final Duration TRAINING_AND_START = Duration.ofMinutes(12);
    private static final Duration START = Duration.ofMinutes(2);

    private Path data;
    private Path layout;
    private Process server;

    @AfterEach
    void cleanUp() throws IOException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
        }
        if (data != null) {
            EmbeddedDatabase.clearOrphan(data.resolve("postgres"));
        }
        if (layout != null) {
            FileSystemUtils.deleteRecursively(layout);
        }
    }

    @Test
    void aServerKilledWithSigkillRestartsOnTheSameDataAndLosesNothing() throws Exception {
        assertThat(JAR).as("the packaged server (built in the package phase)").exists();
        data = Files.createTempDirectory("gatehouse-restart-");
        layout = Files.createTempDirectory("gatehouse-layout-");
        int port = OwnServer.freePort();

        server = start(port);
        ApiClient api = new ApiClient(port);
        awaitHealthy(api, TRAINING_AND_START); // run.sh trains the cache first: this layout has none
        assertThat(cache()).as("the cache run.sh trained before the first start").exists();
        String operator = api.login("platform", "operator", PASSWORD);
        ApiClient.Response created = api.post("/api/v1/tenants", operator, json("slug", "survivor", "name",
                "Survivor Clinic", "pack", "clinic", "admin", raw(json("username", "olive", "firstName", "Olive",
                        "lastName", "Owner", "password", "olive-initial-password"))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);

        server.destroyForcibly(); // SIGKILL: no shutdown hooks, PostgreSQL is left as it was
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();

        server = start(port);
        awaitHealthy(api, START);
        String again = api.login("platform", "operator", PASSWORD);
        ApiClient.Response tenants = api.get("/api/v1/tenants", again);
        assertThat(tenants.body().at("/items").toString()).contains("survivor");
        assertThat(api.post("/api/v1/auth/login", null, json("tenant", "survivor", "username", "olive", "password",
                "olive-initial-password")).status()).isEqualTo(200);

        // SIGTERM: a clean stop also stops PostgreSQL; the cache was written by run.sh's training start
        server.destroy();
        assertThat(server.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
        assertThat(layout.resolve("gatehouse.jar")).as("the layout run.sh extracted").exists();
        assertThat(cacheIsUsable()).as("the class cache written at the clean stop: %s", cache()).isTrue();
    }

    /**
     * -XX:AOTMode=on (the AOT cache) and -Xshare:on (the archive) make the JVM refuse to start unless it maps
     * the cache for this class path and these flags.
     */
    private boolean cacheIsUsable() throws IOException, InterruptedException {
        List<String> command = AOT
                ? List.of(JAVA, "-Xmx512m", "-XX:AOTCache=" + cache(), "-XX:AOTMode=on", "-cp",
                        layout.resolve("gatehouse.jar").toString(), "-version")
                : List.of(JAVA, "-Xmx512m", "-XX:SharedArchiveFile=" + cache(), "-Xshare:on", "-cp",
                        layout.resolve("gatehouse.jar").toString(), "-version");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process java = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return java.waitFor(120, TimeUnit.SECONDS) && java.exitValue() == 0;
    }

    private Path cache() {
        return layout.resolve(AOT ? "gatehouse.aot" : "gatehouse.jsa");
    }

    /** README.md's run command: scripts/run.sh with this JDK, the JVM's flags in JAVA_TOOL_OPTIONS. */
    private Process start(int port) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", RUN.toString(), "--server.port=" + port,
                "--gatehouse.data-dir=" + data, "--gatehouse.admin.username=operator",
                "--gatehouse.admin.password=" + PASSWORD));
        builder.environment().remove("GATEHOUSE_DB_URL");
        builder.environment().remove("GATEHOUSE_CLASS_CACHE");
        builder.environment().put("JAVA_HOME", Path.of(JAVA).getParent().getParent().toString());
        builder.environment().put("JAVA_TOOL_OPTIONS", "-Xmx512m");
        builder.environment().put("GATEHOUSE_JAR", JAR.toString());
        builder.environment().put("GATEHOUSE_LAYOUT", layout.toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("server.log").toFile()));
        return builder.start();
    }

    private void awaitHealthy(ApiClient api, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
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
        throw new AssertionError("server did not become healthy in " + atMost + "; see " + data.resolve("server.log")
                + ":\n" + Files.readString(data.resolve("server.log")));
    }
}
