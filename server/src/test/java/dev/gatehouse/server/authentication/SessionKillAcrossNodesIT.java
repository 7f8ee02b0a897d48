package dev.gatehouse.server.authentication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.AcrossNodesTest;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * seed 004 and issue 4: a permanent lock kills every session of the user at once: the next request
 * with an old token is 401 on every node within one second. Node B holds the session in its cache
 * when node A locks the user; B drops it when A's NOTIFY arrives (about a quarter of a second), and
 * in any case when the cache entry expires (at most one second after it was read).
 */
class SessionKillAcrossNodesIT extends AcrossNodesTest {

    private static final Duration WITHIN = Duration.ofSeconds(1);

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private AccessChanges changes;

    @Test
    void aUserLockedOnNodeAIsSignedOutOnNodeBWithinASecond() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member member = new SessionFixtures(api, jdbc, changes).member(clinic, "leaving.lee", "provider");
        ApiClient onB = new ApiClient(nodeB.port());
        assertThat(onB.get("/api/v1/me", member.token()).status()).as("node B caches the live session").isEqualTo(200);

        assertThat(api.post(clinic.path("/users/" + member.id() + "/lock"), clinic.adminToken(), "{}").status())
                .isEqualTo(200);
        long locked = System.nanoTime();

        int status = 200;
        while (System.nanoTime() - locked < WITHIN.toNanos()) {
            status = onB.get("/api/v1/me", member.token()).status();
            if (status == 401) {
                break;
            }
            sleep(10);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - locked);
        System.out.println("SessionKillAcrossNodesIT: node B refused the locked user's token after " + took);
        assertThat(status).as("node B's answer after %s", took).isEqualTo(401);
        assertThat(took).isLessThan(WITHIN);
        assertThat(api.get("/api/v1/me", member.token()).status()).as("and node A's").isEqualTo(401);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
