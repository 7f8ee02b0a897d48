package dev.gatehouse.server.temporaryaccess;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.AcrossNodesTest;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Temporary access on two nodes sharing one database (issue 13): a one-time elevation checked on
 * both at the same moment allows exactly once; a role lent on node A stops allowing on node B when
 * its lender loses it on A.
 */
class TemporaryAccessAcrossNodesIT extends AcrossNodesTest {

    private static final int ROUNDS = 5;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aOneTimeElevationCheckedOnTwoNodesAtOnceAllowsExactlyOnce() throws Exception {
        TemporaryAccessFixtures f = TemporaryAccessFixtures.clinic(api, operatorToken());
        TemporaryAccessFixtures onB = new TemporaryAccessFixtures(new ApiClient(nodeB.port()), f.clinic(), f.downtown(),
                f.uptown(), f.manager(), f.desk(), f.provider());
        TestMembers.Member petra = f.provider();
        for (int round = 0; round < ROUNDS; round++) {
            String id = api.post(f.clinic().path("/elevation-requests"), petra.token(), json("role", "manager",
                    "location", f.downtown(), "reason", "one chart", "minutes", 30, "oneTime", true)).text("/id");
            assertThat(api.post(f.clinic().path("/elevation-requests/" + id + "/approve"), f.clinic().adminToken(), "")
                    .status()).isEqualTo(200);
            // Both nodes compile the elevated profile first (a deny uses nothing up).
            assertThat(f.may(petra.token(), petra.id(), "patients.read", f.uptown())).isFalse();
            assertThat(onB.may(petra.token(), petra.id(), "patients.read", f.uptown())).isFalse();

            CyclicBarrier together = new CyclicBarrier(2);
            List<CompletableFuture<Boolean>> checks = new ArrayList<>();
            for (TemporaryAccessFixtures node : List.of(f, onB)) {
                checks.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        together.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return node.may(petra.token(), petra.id(), "patients.read", f.downtown());
                }));
            }
            long allowed = 0;
            for (CompletableFuture<Boolean> check : checks) {
                allowed += check.get() ? 1 : 0;
            }
            assertThat(allowed).as("round %d: allowed on exactly one node", round).isOne();
            assertThat(f.may(petra.token(), petra.id(), "patients.read", f.downtown())).as("then on neither").isFalse();
            assertThat(onB.may(petra.token(), petra.id(), "patients.read", f.downtown())).isFalse();
        }
        assertThat(jdbc.sql("select count(*) from audit_events where tenant_id = :t and action = 'ELEVATION_USED'")
                .param("t", UUID.fromString(f.clinic().id())).query(Long.class).single()).isEqualTo(ROUNDS);
    }

    @Test
    void aRoleLentOnNodeAStopsOnNodeBWhenItsLenderLosesIt() throws InterruptedException {
        TemporaryAccessFixtures f = TemporaryAccessFixtures.clinic(api, operatorToken());
        TemporaryAccessFixtures onB = new TemporaryAccessFixtures(new ApiClient(nodeB.port()), f.clinic(), f.downtown(),
                f.uptown(), f.manager(), f.desk(), f.provider());
        TestMembers.Member desk = f.desk();
        assertThat(f.lend(f.manager().token(), "to", desk.id(), "role", "manager", "location", f.downtown(),
                "expiresAt", Instant.now().plus(8, ChronoUnit.HOURS).toString(), "reason", "cover").status())
                .isEqualTo(201);
        assertThat(onB.may(desk.token(), desk.id(), "patients.read", f.downtown())).as("node B, lent").isTrue();

        String managerRole = api.get(f.clinic().path("/users/" + f.manager().id() + "/roles"), f.clinic().adminToken())
                .text("/items/0/id");
        assertThat(api.delete(f.clinic().path("/users/" + f.manager().id() + "/roles/" + managerRole),
                f.clinic().adminToken()).status()).isEqualTo(204);
        // Node B hears of the lender's change by NOTIFY; give it a few seconds at most, then it must deny.
        boolean allowed = true;
        for (int i = 0; i < 100 && allowed; i++) {
            allowed = onB.may(desk.token(), desk.id(), "patients.read", f.downtown());
            if (allowed) {
                Thread.sleep(50);
            }
        }
        assertThat(allowed).as("node B still allows the lent role").isFalse();
    }
}
