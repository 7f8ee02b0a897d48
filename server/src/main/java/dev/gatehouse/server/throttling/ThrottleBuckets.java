package dev.gatehouse.server.throttling;

import dev.gatehouse.server.shared.ServiceUnavailable;
import dev.gatehouse.server.shared.Unavailability;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The throttled doors' token buckets (table {@code throttle_buckets}, V143), shared by every node:
 * every bucket an attempt counts against (its address, account and tenant) is spent, or given back,
 * in one statement under the rows' locks, so a limit holds across nodes and an attempt costs one
 * round trip here rather than Bucket4j's transaction per bucket (issue 17). Each statement runs on
 * its own, outside any transaction of the caller's: a spent token stays spent whatever the door's
 * work then does.
 */
@Component
class ThrottleBuckets {

    private static final Logger log = LoggerFactory.getLogger(ThrottleBuckets.class);

    /** Rows are deleted in batches of this size, so a clean-up never holds many locks at once. */
    private static final int CLEAN_UP_BATCH = 1000;

    /** One bucket: its id and the limit it holds. */
    record Bucket(String id, Limit limit) {}

    /** What a spend came to: {@code refused} is the index of the bucket that had no token, or -1. */
    record Taken(int refused, long waitNanos) {
        boolean allowed() {
            return refused < 0;
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate alone;

    ThrottleBuckets(DataSource dataSource, PlatformTransactionManager transactions) {
        this.jdbc = JdbcClient.create(dataSource);
        this.alone = new TransactionTemplate(transactions);
        this.alone.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
    }

    /**
     * Spends one token from each of {@code buckets}, all or none.
     *
     * @throws ServiceUnavailable when the database cannot be reached now
     */
    Taken take(List<Bucket> buckets) {
        if (buckets.isEmpty()) {
            return new Taken(-1, 0);
        }
        return run(() -> jdbc.sql("select refused, wait_ms from throttle_take(:ids, :capacities, :periods)")
                .param("ids", ids(buckets)).param("capacities", capacities(buckets)).param("periods", periods(buckets))
                .query((rs, n) -> new Taken(rs.getInt("refused") - 1, rs.getLong("wait_ms") * 1_000_000L))
                .single());
    }

    /**
     * Gives one token back to each of {@code buckets}. A refund the database cannot take now is
     * dropped: the bucket refills by itself.
     */
    void giveBack(List<Bucket> buckets) {
        if (buckets.isEmpty()) {
            return;
        }
        try {
            run(() -> jdbc.sql("select throttle_give_back(:ids, :capacities, :periods)")
                    .param("ids", ids(buckets)).param("capacities", capacities(buckets))
                    .param("periods", periods(buckets)).query((rs, n) -> 1).list());
        } catch (ServiceUnavailable e) {
            log.debug("A throttle refund was dropped: {}", e.getMessage());
        }
    }

    /** Deletes buckets that have refilled to full; on every node, each row by whichever gets to it first. */
    @Scheduled(fixedDelayString = "${gatehouse.throttle.clean-up-interval:PT5M}", initialDelayString = "PT1M")
    void removeFullBuckets() {
        try {
            int removed;
            do {
                removed = jdbc.sql("""
                                delete from throttle_buckets where id in (
                                    select id from throttle_buckets where full_at < now()
                                    limit :batch for update skip locked)
                                """).param("batch", CLEAN_UP_BATCH).update();
            } while (removed == CLEAN_UP_BATCH);
        } catch (RuntimeException e) {
            log.warn("Could not clean up full throttle buckets: {}", e.getMessage());
        }
    }

    /** Runs a statement outside the caller's transaction; the database's overload becomes a 503. */
    private <T> T run(Supplier<T> statement) {
        try {
            return alone.execute(status -> statement.get());
        } catch (DataAccessException | TransactionException e) {
            Unavailability.Answer answer = Unavailability.answer(e);
            if (answer == null) {
                throw e;
            }
            throw new ServiceUnavailable(answer.detail(), answer.retryAfter());
        }
    }

    private static String[] ids(List<Bucket> buckets) {
        return buckets.stream().map(Bucket::id).toArray(String[]::new);
    }

    private static Integer[] capacities(List<Bucket> buckets) {
        return buckets.stream().map(bucket -> bucket.limit().requests()).toArray(Integer[]::new);
    }

    private static Long[] periods(List<Bucket> buckets) {
        return buckets.stream().map(bucket -> bucket.limit().perMinutes() * 60_000L).toArray(Long[]::new);
    }
}
