package dev.gatehouse.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.AcrossNodesTest;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.SignedInTenant;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * issue 17: each node keeps a tenant's alert rules, and a rule saved on node A holds for the events
 * node B evaluates within a second (B drops its copy when A's NOTIFY arrives). Without the
 * announcement B would go on evaluating with the rules it read first.
 */
class AlertRulesAcrossNodesIT extends AcrossNodesTest {

    private static final Duration WITHIN = Duration.ofSeconds(1);

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private AlertEvaluator evaluator;

    @Test
    void aRuleSavedOnNodeAHoldsForEventsEvaluatedOnNodeBWithinASecond() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        AlertFixtures onA = new AlertFixtures(api, jdbc, port(), evaluator);
        AlertFixtures onB = new AlertFixtures(new ApiClient(nodeB.port()), jdbc, nodeB.port(),
                nodeB.bean(AlertEvaluator.class));
        AlertSettings rulesOnB = nodeB.bean(AlertSettings.class);
        TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
        onA.rules(clinic, """
                {"failedSignInsPerAccount": {"enabled": false}, "failedSignInsPerTenant": {"enabled": false}}""");
        onA.user(clinic, "nurse.nia", "front_desk");
        onB.failSignIn(clinic, "nurse.nia");
        assertThat(onB.raised(clinic)).as("node B evaluated with the rules off, and keeps them").isEmpty();
        assertThat(rulesOnB.rulesOf(tenant).failedSignInsPerAccount().enabled()).isFalse();

        onA.rules(clinic, """
                {"failedSignInsPerAccount": {"count": 2, "minutes": 1440}, "failedSignInsPerTenant": {"enabled": false}}""");
        long saved = System.nanoTime();
        boolean heard = false;
        while (!heard && System.nanoTime() - saved < WITHIN.toNanos()) {
            heard = rulesOnB.rulesOf(tenant).failedSignInsPerAccount().enabled();
            sleep(10);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - saved);
        System.out.println("AlertRulesAcrossNodesIT: node B held the new rule after " + took);
        assertThat(heard).as("node B's rule within %s (after %s)", WITHIN, took).isTrue();

        onB.failSignIn(clinic, "nurse.nia");
        assertThat(onB.raised(clinic)).as("the second failure, evaluated on node B").containsExactly(
                "failedSignInsPerAccount");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
