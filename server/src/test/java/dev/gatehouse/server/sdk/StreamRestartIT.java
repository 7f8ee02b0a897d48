package dev.gatehouse.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.client.Check;
import dev.gatehouse.client.CheckResult;
import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.LocalDecisions;
import dev.gatehouse.client.LocalOptions;
import dev.gatehouse.client.ResourceRef;
import dev.gatehouse.client.WhenStale;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.server.GatehouseApplication;
import dev.gatehouse.server.database.EmbeddedDatabase;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.OwnServer;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestServiceAccounts;
import dev.gatehouse.server.testing.TestTenants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 14: "the stream survives a server restart". A node of the test's own (on a database of its own,
 * which stays up) is stopped and started again on the same port: while it is down beyond the staleness
 * bound the client fails closed and says why; once it is back the client reconnects by itself, resumes,
 * and a change made after the restart still reaches its local answer.
 */
class StreamRestartIT {

    private static final Duration STALENESS = Duration.ofSeconds(3);

    @Test
    void theStreamSurvivesARestartFailingClosedWhileTheServerIsDown() throws IOException {
        Path data = Files.createTempDirectory("gatehouse-sdk-restart-it-");
        int port = OwnServer.freePort();
        try (EmbeddedDatabase database = EmbeddedDatabase.start(data.resolve("postgres"))) {
            ConfigurableApplicationContext node = startNode(database, data, port);
            try {
                node = restartedUnderTheClient(node, () -> startNode(database, data, port), new ApiClient(port), port);
            } finally {
                node.close();
            }
        }
    }

    /** The scenario, on a running node: answers the node started again, for the caller to close. */
    private static ConfigurableApplicationContext restartedUnderTheClient(ConfigurableApplicationContext first,
            Supplier<ConfigurableApplicationContext> restart, ApiClient api, int port) {
        SignedInTenant tenant = SignedInTenant.create(api, api.login("platform", IntegrationTest.OPERATOR,
                IntegrationTest.OPERATOR_PASSWORD), "clinic");
        String clinic = TestTenants.location(api, tenant, "Clinic", null);
        String desk = TestServiceAccounts.serviceAccount("desk").holding("front_desk").at(clinic).create(api, tenant);
        Resource patient = Resource.of("patient", "1").locatedAt(clinic);

        try (GatehouseClient client = SdkFixtures.client(port, tenant, SdkFixtures.appKey(api, tenant));
                LocalDecisions local = client.localDecisions(LocalOptions.defaults().stalenessBound(STALENESS)
                        .whenStale(WhenStale.FAIL_CLOSED))) {
            assertThat(local.allows(desk, "patients.contact", patient)).isTrue();
            long before = local.status().version();

            first.close();
            SdkFixtures.await("stale while the server is down", Duration.ofSeconds(30),
                    () -> local.status().state() == LocalDecisions.State.STALE);
            CheckResult down = local.check(Check.of(desk, "patients.contact").on(ResourceRef.of("patient", "1")
                    .at(clinic)));
            assertThat(down.allowed()).isFalse();
            assertThat(down.code()).isEqualTo(CheckResult.STALE_DECISIONS);
            assertThat(down.explanation()).contains("since").contains("staleness bound");
            assertThat(local.allows(desk, "patients.contact", patient)).as("the fast path fails closed too").isFalse();

            ConfigurableApplicationContext second = restart.get();
            SdkFixtures.await("connected again", Duration.ofSeconds(60),
                    () -> local.status().state() == LocalDecisions.State.CONNECTED);
            assertThat(local.allows(desk, "patients.contact", patient)).isTrue();

            assertThat(api.post(tenant.path("/users/" + desk + "/lock"), tenant.adminToken(), "{}").status())
                    .isBetween(200, 299);
            SdkFixtures.await("the lock reached the local answer", Duration.ofSeconds(10),
                    () -> !local.allows(desk, "patients.contact", patient));
            assertThat(local.status().version()).isGreaterThan(before);
            return second;
        }
    }

    /** A node on {@code database} at {@code port}, its heartbeat every second so staleness shows soon. */
    private static ConfigurableApplicationContext startNode(EmbeddedDatabase database, Path data, int port) {
        return new SpringApplicationBuilder(GatehouseApplication.class).run(
                "--server.port=" + port,
                "--PORT=" + port,
                "--spring.jmx.enabled=false",
                "--gatehouse.db.url=" + database.jdbcUrl(),
                "--gatehouse.data-dir=" + data.resolve("node"),
                "--gatehouse.audit.purge-cron=-",
                "--gatehouse.audit.archive-dir=" + data.resolve("archive"),
                "--gatehouse.admin.username=" + IntegrationTest.OPERATOR,
                "--gatehouse.admin.password=" + IntegrationTest.OPERATOR_PASSWORD,
                "--gatehouse.passwords.argon2.memory-kib=64",
                "--gatehouse.passwords.argon2.iterations=1",
                "--gatehouse.changes.heartbeat=PT1S");
    }
}
