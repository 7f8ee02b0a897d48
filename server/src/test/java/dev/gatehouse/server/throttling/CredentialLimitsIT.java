package dev.gatehouse.server.throttling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.IntegrationTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Per-credential limits (an API key's rateLimit) on the shared buckets. */
class CredentialLimitsIT extends IntegrationTest {

    @Autowired
    private CredentialLimits limits;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private RateLimitBuckets buckets;

    @Test
    void aSmallLimitIsCountedExactlyAndRefusesWithTheWait() {
        String key = UUID.randomUUID().toString();
        assertThat(limits.spend(key, 2, Duration.ofHours(1))).isZero();
        assertThat(limits.spend(key, 2, Duration.ofHours(1))).isZero();
        assertThat(limits.spend(key, 2, Duration.ofHours(1))).isGreaterThan(Duration.ofMinutes(20).toNanos());
    }

    // The benchmark's first run: a large limit's row deleted as full while this node's optimized proxy still held
    // it answered "Bucket does not exist" (a 500) until the proxy was replaced.
    @Test
    void aBucketDeletedAsFullWhileANodeHoldsItStartsAgainFull() {
        for (int requests : new int[] {10, 100_000}) {
            String key = UUID.randomUUID().toString();
            assertThat(limits.spend(key, requests, Duration.ofSeconds(1))).isZero();
            assertThat(jdbc.sql("delete from rate_limit_buckets where id like :id")
                    .param("id", "credential:" + key + "%").update()).isEqualTo(1);
            for (int i = 0; i < 3; i++) {
                assertThat(limits.spend(key, requests, Duration.ofSeconds(1))).as("%s per second", requests).isZero();
            }
        }
    }

    /**
     * A large limit is spent from each node's local view and written back in the background: what one
     * node spent reaches the shared row, and so the limit holds for another node, without a request
     * on the first waiting for the write.
     */
    @Test
    void aLargeLimitSpentOnOneNodeIsWrittenBackAndHoldsOnAnother() throws InterruptedException {
        String key = UUID.randomUUID().toString();
        int limit = 1_000;
        for (int i = 0; i < limit; i++) {
            assertThat(limits.spend(key, limit, Duration.ofHours(1))).as("request %s", i).isZero();
        }
        assertThat(limits.spend(key, limit, Duration.ofHours(1))).as("refused by this node's own view").isPositive();

        // Another node: a fresh proxy, whose first spend reads the shared row. Each try spends one request,
        // so the tries alone (at most 250) could not empty the bucket without this node's write-backs.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long wait = 0;
        while (wait == 0 && System.nanoTime() < deadline) {
            CredentialLimits otherNode = new CredentialLimits(buckets);
            wait = otherNode.spend(key, limit, Duration.ofHours(1));
            otherNode.destroy();
            Thread.sleep(20);
        }
        assertThat(wait).as("the other node learned what this one spent").isPositive();
    }
}
