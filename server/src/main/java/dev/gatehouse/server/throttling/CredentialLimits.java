package dev.gatehouse.server.throttling;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.server.shared.ServiceUnavailable;
import dev.gatehouse.server.shared.Unavailability;
import io.github.bucket4j.BucketExceptions;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Rate limits of credentials that carry their own (an API key's {@code rateLimit}): one bucket per
 * credential and limit in the buckets every node shares ({@link RateLimitBuckets}).
 *
 * <p>A key may be used for every permission check an application asks, so its limit must not cost
 * a row lock per request: each node keeps its bucket's proxy, and for limits of more than
 * {@link #EXACT_UP_TO} requests Bucket4j's delaying optimization spends from a local view and
 * writes back at most every {@link #SYNC_EVERY} or every twentieth of the limit. A node may then
 * overshoot by that twentieth before it learns what the others spent; a small limit is counted
 * exactly, in the database, on every request.
 */
@Component
public class CredentialLimits {

    static final int EXACT_UP_TO = 100;
    static final Duration SYNC_EVERY = Duration.ofMillis(100);

    private final RateLimitBuckets buckets;
    /** This node's proxies, whose local views the optimization keeps; a key not used for an hour starts afresh. */
    private final Cache<String, BucketProxy> proxies = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1)).build();

    CredentialLimits(RateLimitBuckets buckets) {
        this.buckets = buckets;
    }

    /**
     * Spends one request of {@code credential}'s limit of {@code requests} per {@code period}.
     *
     * @return 0 when allowed, else how long until one more request is (nanoseconds)
     * @throws ServiceUnavailable when the buckets' database cannot be reached now
     */
    public long spend(String credential, int requests, Duration period) {
        String id = "credential:" + credential + ":" + requests + "per" + period.toSeconds() + "s";
        try {
            return spend(proxies.get(id, key -> buckets.bucket(key, requests, period, optimization(requests))));
        } catch (RuntimeException e) {
            if (!removedMeanwhile(e)) {
                throw e;
            }
            // The row was deleted as full (RateLimitBuckets' clean-up) while this node's optimized proxy still
            // held its view: start from a new proxy, which creates the bucket again, full, as on first use.
            proxies.invalidate(id);
            return spend(proxies.get(id, key -> buckets.bucket(key, requests, period, optimization(requests))));
        }
    }

    private static long spend(BucketProxy bucket) {
        try {
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
        } catch (BucketExceptions.BucketExecutionException e) {
            Unavailability.Answer answer = Unavailability.answer(e);
            if (answer == null) {
                throw e;
            }
            throw new ServiceUnavailable(answer.detail(), answer.retryAfter());
        }
    }

    /** Whether Bucket4j found the bucket's row gone (it may wrap that in a batch's failure). */
    private static boolean removedMeanwhile(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BucketNotFoundException) {
                return true;
            }
        }
        return false;
    }

    private static Optimization optimization(int requests) {
        if (requests <= EXACT_UP_TO) {
            return Optimizations.batching();
        }
        return Optimizations.delaying(new DelayParameters(requests / 20, SYNC_EVERY));
    }
}
