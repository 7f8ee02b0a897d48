package dev.gatehouse.server.database;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.GatehouseApplication;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node on an external PostgreSQL (here a server of the test's own, named by
 * {@code gatehouse.db.url}, so no watchdog of the node's restarts it) survives that server going
 * away and coming back: while it is away requests answer 503 with Retry-After within the pool's
 * short wait, and once it is back the pool reconnects and the same node serves again (issue 11).
 */
class ExternalDatabaseRestartIT {

    private EmbeddedDatabase database;
    private ConfigurableApplicationContext node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aRestartOfTheExternalDatabaseIsSurvivedWithoutRestartingTheNode() throws Exception {
        Path data = Files.createTempDirectory("gatehouse-external-it-");
        database = EmbeddedDatabase.start(data.resolve("postgres"));
        node = new SpringApplicationBuilder(GatehouseApplication.class).run(
                "--server.port=0",
                "--spring.jmx.enabled=false",
                "--gatehouse.db.url=" + database.jdbcUrl(),
                "--gatehouse.data-dir=" + data,
                "--gatehouse.audit.purge-cron=-",
                "--gatehouse.audit.archive-dir=" + data.resolve("archive"),
                "--gatehouse.admin.username=" + IntegrationTest.OPERATOR,
                "--gatehouse.admin.password=" + IntegrationTest.OPERATOR_PASSWORD,
                "--gatehouse.passwords.argon2.memory-kib=64",
                "--gatehouse.passwords.argon2.iterations=1");
        ApiClient api = new ApiClient(Integer.parseInt(node.getEnvironment().getProperty("local.server.port")));
        SignedInTenant clinic = SignedInTenant.create(api, api.login("platform", IntegrationTest.OPERATOR,
                IntegrationTest.OPERATOR_PASSWORD), "clinic");
        assertThat(api.get(clinic.path("/users"), clinic.adminToken()).status()).isEqualTo(200);

        // The database server goes away (as a crash or an operator's restart would take it).
        long pid = database.postmasterPid();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly)).contains(true);
        awaitTrue(() -> !database.running(), Duration.ofSeconds(10));

        long start = System.nanoTime();
        ApiClient.Response away = api.get(clinic.path("/users"), clinic.adminToken());
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        ApiClient.Response health = api.get("/actuator/health", null);
        System.out.printf("external database away: GET users answered %d in %d ms, health %d%n", away.status(),
                tookMillis, health.status());
        assertThat(away.status()).as(away.raw()).isEqualTo(503);
        assertThat(away.http().headers().firstValue("Retry-After")).isPresent();
        assertThat(tookMillis).as("the pool's short wait, not 30 s").isLessThan(5_000);
        assertThat(health.status()).isEqualTo(503);

        database.restart(); // the operator's server is back, on the same port
        long back = System.nanoTime();
        awaitTrue(() -> api.get(clinic.path("/users"), clinic.adminToken()).status() == 200, Duration.ofSeconds(30));
        System.out.printf("external database back: served again after %d ms%n", (System.nanoTime() - back) / 1_000_000);
        ApiClient.Response created = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "after",
                "firstName", "After", "lastName", "Restart", "email", "after@example.com"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(api.get("/actuator/health", null).status()).isEqualTo(200);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + atMost);
            }
            Thread.sleep(200);
        }
    }
}
