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
 * The README's run path as a user lives it: the packaged server, extracted as README.md's run command
 * extracts it and run with its class-data sharing archive, on its embedded PostgreSQL, killed with
 * SIGKILL and started again on the same data folder, loses nothing and starts cleanly (issue 3, "Done
 * when"); its clean stop leaves an archive the JVM accepts for that layout (issue 17).
 */
class KilledServerRestartIT {

    private static final Path JAR = Path.of("target", "gatehouse.jar");
    private static final String PASSWORD = "operator-password-restart-test";
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

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
        layout = extract(Files.createTempDirectory("gatehouse-layout-"));
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

        server.destroy(); // SIGTERM: a clean stop also stops PostgreSQL, and the JVM writes its archive
        assertThat(server.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
        assertThat(archiveIsUsable()).as("the class-data sharing archive written at the clean stop").isTrue();
    }

    /** README.md's extraction of the executable jar: a thin gatehouse.jar and lib/ in the folder. */
    private static Path extract(Path folder) throws IOException, InterruptedException {
        Process extract = new ProcessBuilder(List.of(JAVA, "-Djarmode=tools", "-jar", JAR.toString(), "extract",
                "--force", "--destination", folder.toString())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(extract.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(extract.exitValue()).isZero();
        assertThat(folder.resolve("gatehouse.jar")).exists();
        return folder;
    }

    /** -Xshare:on makes the JVM refuse to start unless it maps the archive for this class path. */
    private boolean archiveIsUsable() throws IOException, InterruptedException {
        Process java = new ProcessBuilder(List.of(JAVA, "-Xmx512m", "-XX:SharedArchiveFile=" + archive(),
                "-Xshare:on", "-cp", layout.resolve("gatehouse.jar").toString(), "-version"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return java.waitFor(60, TimeUnit.SECONDS) && java.exitValue() == 0;
    }

    private Path archive() {
        return layout.resolve("gatehouse.jsa");
    }

    private Process start(int port) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(JAVA, "-Xmx512m", "-XX:SharedArchiveFile=" + archive(),
                "-XX:+AutoCreateSharedArchive", "-jar", layout.resolve("gatehouse.jar").toString(),
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
