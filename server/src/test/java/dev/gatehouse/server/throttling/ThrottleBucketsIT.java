package dev.gatehouse.server.throttling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The doors' buckets, every bucket of an attempt in one statement (issue 17): all or none, given
 * back up to the capacity, never more spent than there are tokens under concurrent attempts, and
 * outside the caller's transaction.
 */
class ThrottleBucketsIT extends IntegrationTest {

    @Autowired
    private ThrottleBuckets buckets;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TransactionTemplate transaction;

    private static ThrottleBuckets.Bucket bucket(int requests, int perMinutes) {
        return new ThrottleBuckets.Bucket("test:" + UUID.randomUUID(), new Limit(requests, perMinutes));
    }

    private double tokens(ThrottleBuckets.Bucket bucket) {
        return jdbc.sql("select tokens from throttle_buckets where id = :id").param("id", bucket.id())
                .query(Double.class).single();
    }

    @Test
    void anAttemptSpendsFromEveryBucketOrFromNone() {
        ThrottleBuckets.Bucket address = bucket(5, 60);
        ThrottleBuckets.Bucket account = bucket(2, 60);
        ThrottleBuckets.Bucket tenant = bucket(5, 60);
        List<ThrottleBuckets.Bucket> all = List.of(address, account, tenant);

        assertThat(buckets.take(all).allowed()).isTrue();
        assertThat(buckets.take(all).allowed()).isTrue();
        ThrottleBuckets.Taken third = buckets.take(all);

        assertThat(third.refused()).isEqualTo(1);
        // One token a half hour: the wait is most of that.
        assertThat(third.waitNanos()).isGreaterThan(Duration.ofMinutes(29).toNanos())
                .isLessThanOrEqualTo(Duration.ofMinutes(30).toNanos());
        // The refused attempt spent nothing from the address, which let it pass, nor from the tenant.
        assertThat(tokens(address)).isCloseTo(3, org.assertj.core.data.Offset.offset(0.01));
        assertThat(tokens(tenant)).isCloseTo(3, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void tokensGoBackUpToTheCapacityAndABucketWithoutARowIsFull() {
        ThrottleBuckets.Bucket first = bucket(2, 60);
        ThrottleBuckets.Bucket second = bucket(2, 60);
        assertThat(buckets.take(List.of(first, second)).allowed()).isTrue();
        assertThat(buckets.take(List.of(first)).allowed()).isTrue();

        buckets.giveBack(List.of(first, second));
        buckets.giveBack(List.of(first, second));

        assertThat(tokens(first)).isCloseTo(2, org.assertj.core.data.Offset.offset(0.01));
        assertThat(tokens(second)).isCloseTo(2, org.assertj.core.data.Offset.offset(0.01));
        ThrottleBuckets.Bucket never = bucket(1, 1);
        buckets.giveBack(List.of(never));
        assertThat(jdbc.sql("select count(*) from throttle_buckets where id = :id").param("id", never.id())
                .query(Integer.class).single()).isZero();
        assertThat(buckets.take(List.of(never)).allowed()).isTrue();
        assertThat(buckets.take(List.of(never)).allowed()).isFalse();
    }

    @Test
    void concurrentAttemptsNeverSpendMoreThanTheBucketHolds() throws Exception {
        ThrottleBuckets.Bucket shared = bucket(10, 60);
        AtomicInteger allowed = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> attempts = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                // Each attempt also counts against a bucket of its own, as an account does.
                ThrottleBuckets.Bucket own = bucket(5, 60);
                attempts.add(pool.submit(() -> {
                    if (buckets.take(List.of(own, shared)).allowed()) {
                        allowed.incrementAndGet();
                    }
                }));
            }
            for (Future<?> attempt : attempts) {
                attempt.get();
            }
        }
        assertThat(allowed.get()).isEqualTo(10);
    }

    @Test
    void aSpentTokenStaysSpentWhenTheCallersTransactionRollsBack() {
        ThrottleBuckets.Bucket one = bucket(1, 60);
        transaction.executeWithoutResult(status -> {
            assertThat(buckets.take(List.of(one)).allowed()).isTrue();
            status.setRollbackOnly();
        });
        assertThat(buckets.take(List.of(one)).allowed()).isFalse();
    }

    @Test
    void fullBucketsAreRemoved() {
        ThrottleBuckets.Bucket spent = bucket(3, 60);
        ThrottleBuckets.Bucket refilled = bucket(3, 60);
        buckets.take(List.of(spent, refilled));
        buckets.giveBack(List.of(refilled));

        buckets.removeFullBuckets();

        assertThat(jdbc.sql("select id from throttle_buckets where id in (:ids)")
                .param("ids", List.of(spent.id(), refilled.id())).query(String.class).list())
                .containsExactly(spent.id());
    }
}
