package dev.gatehouse.server.throttling;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Token buckets in PostgreSQL (table {@code rate_limit_buckets}, V100) through Bucket4j: every node
 * spends from the same rows, each attempt under the row's lock, so a limit holds across nodes.
 * A bucket's configuration is part of its id ({@link Limit#key}), so a changed limit starts a
 * fresh bucket rather than meeting one stored with other numbers.
 */
@Component
class RateLimitBuckets {

    private static final Logger log = LoggerFactory.getLogger(RateLimitBuckets.class);

    /** Rows are deleted in batches of this size, so a clean-up never holds many locks at once. */
    private static final int CLEAN_UP_BATCH = 1000;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;

    RateLimitBuckets(DataSource dataSource) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets")
                // A row is worth keeping only until its bucket is full again: then it equals no row.
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .build();
    }

    /** The bucket {@code id}, holding {@code limit}; created full on first use. */
    BucketProxy bucket(String id, Limit limit) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit.requests())
                        .refillGreedy(limit.requests(), Duration.ofMinutes(limit.perMinutes())))
                .build();
        return buckets.builder().build(id, () -> configuration);
    }

    /**
     * The bucket {@code id}, holding {@code requests} per {@code period}, through {@code optimization}
     * (one node's proxy keeps a local view of the row and writes it back in batches); created full.
     */
    BucketProxy bucket(String id, long requests, Duration period, Optimization optimization) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(requests).refillGreedy(requests, period))
                .build();
        return buckets.builder().withOptimization(optimization).build(id, () -> configuration);
    }

    /** Deletes buckets that have refilled to full; on every node, each row by whichever gets to it first. */
    @Scheduled(fixedDelayString = "${gatehouse.throttle.clean-up-interval:PT5M}", initialDelayString = "PT1M")
    void removeFullBuckets() {
        try {
            int removed;
            do {
                removed = buckets.removeExpired(CLEAN_UP_BATCH);
            } while (removed == CLEAN_UP_BATCH);
        } catch (RuntimeException e) {
            log.warn("Could not clean up full rate-limit buckets: {}", e.getMessage());
        }
    }
}
