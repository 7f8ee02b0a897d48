package dev.gatehouse.server.throttling;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.server.shared.ServiceUnavailable;
import dev.gatehouse.server.shared.Unavailability;
import io.github.bucket4j.BucketExceptions;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.distributed.proxy.optimization.manual.ManuallySyncingOptimization;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Rate limits of credentials that carry their own (an API key's {@code rateLimit}): one bucket per
 * credential and limit in the buckets every node shares ({@link RateLimitBuckets}).
 *
 * <p>A key may be used for every permission check an application asks, so its limit must not cost
 * a row lock per request, nor make requests wait on one: for limits of more than {@link #EXACT_UP_TO}
 * requests each node spends from its proxy's local view of the bucket (Bucket4j's manually syncing
 * optimization) and writes what it spent back in the background ({@link WriteBack}) once it spent a
 * twentieth of the limit or {@link #SYNC_EVERY} passed, learning there what the other nodes spent.
 * A node may then overshoot by that twentieth, and what it admits during the one write in flight,
 * before it learns what the others spent. (Issue 12: with Bucket4j's delaying optimization the
 * request that wrote back, and every request with the key meanwhile, waited on the row's lock: ten
 * times a second at a paced 15,000 checks/s, the API key's p99.) A small limit is counted exactly,
 * in the database, on every request.
 */
@Component
public class CredentialLimits implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CredentialLimits.class);

    static final int EXACT_UP_TO = 100;
    static final Duration SYNC_EVERY = Duration.ofMillis(100);

    private final RateLimitBuckets buckets;
    /** This node's proxies, whose local views the optimization keeps; a key not used for an hour starts afresh. */
    private final Cache<Spending, Held> proxies = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1)).build();
    /** One thread: a write-back is one short transaction, and each bucket has at most two queued. */
    private final ScheduledThreadPoolExecutor writeBacks = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().name("rate-limit-write-back").daemon().factory());

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
        Spending spending = new Spending(credential, requests, period);
        // The proxy in hand, the usual case, costs no bucket id (issue 12: a key's every request built one).
        Held held = proxies.getIfPresent(spending);
        if (held == null) {
            held = proxies.get(spending, this::held);
        }
        long wait;
        try {
            wait = spend(held.proxy());
        } catch (RuntimeException e) {
            if (!removedMeanwhile(e)) {
                throw e;
            }
            // The row was deleted as full (RateLimitBuckets' clean-up) while this node's optimized proxy still
            // held its view: start from a new proxy, which creates the bucket again, full, as on first use.
            proxies.invalidate(spending);
            held = proxies.get(spending, this::held);
            wait = spend(held.proxy());
        }
        WriteBack writeBack = held.writeBack();
        if (writeBack != null) {
            writeBack.spent(wait == 0);
        }
        return wait;
    }

    private Held held(Spending spending) {
        String id = spending.bucketId();
        int requests = spending.requests();
        if (requests <= EXACT_UP_TO) {
            return new Held(buckets.bucket(id, requests, spending.period(), Optimizations.batching()), null);
        }
        BucketProxy proxy = buckets.bucket(id, requests, spending.period(), new ManuallySyncingOptimization());
        return new Held(proxy, new WriteBack(spending, proxy, Math.max(1, requests / 20)));
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

    @Override
    public void destroy() {
        writeBacks.shutdownNow();
    }

    /** One credential's limit, which has a bucket of its own in the shared buckets. */
    private record Spending(String credential, int requests, Duration period) {
        String bucketId() {
            return "credential:" + credential + ":" + requests + "per" + period.toSeconds() + "s";
        }
    }

    /** A node's proxy of one bucket, and for a large limit what writes its local spending back. */
    private record Held(BucketProxy proxy, @Nullable WriteBack writeBack) {}

    /**
     * Writes a large limit's local spending back to the shared row, and reads the others' spending
     * from it, in the background: at once when a twentieth of the limit was spent here since the
     * last write, else {@link #SYNC_EVERY} after the last write, so the last request's spending is
     * written too when the key then goes quiet.
     */
    private final class WriteBack {

        private final Spending spending;
        private final BucketProxy proxy;
        private final long everyTokens;
        private final AtomicLong spentSince = new AtomicLong();
        private final AtomicLong lastNanos = new AtomicLong(System.nanoTime());
        /** A write is queued to run at once; another, for later, may be waiting beside it. */
        private final AtomicBoolean now = new AtomicBoolean();
        private final AtomicBoolean later = new AtomicBoolean();

        WriteBack(Spending spending, BucketProxy proxy, long everyTokens) {
            this.spending = spending;
            this.proxy = proxy;
            this.everyTokens = everyTokens;
        }

        /** A request was charged here, or refused (which writes nothing, but may rest on a stale view). */
        void spent(boolean admitted) {
            long spent = admitted ? spentSince.incrementAndGet() : spentSince.get();
            if (spent >= everyTokens) {
                if (now.compareAndSet(false, true)) {
                    queue(now, 0);
                }
            } else if (later.compareAndSet(false, true)) {
                queue(later, Math.max(0, SYNC_EVERY.toNanos() - (System.nanoTime() - lastNanos.get())));
            }
        }

        private void queue(AtomicBoolean queued, long delayNanos) {
            try {
                writeBacks.schedule(() -> write(queued), delayNanos, TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) {
                queued.set(false); // the node is stopping
            }
        }

        private void write(AtomicBoolean queued) {
            // Cleared first: a request from here on queues the next write, which takes what this one missed.
            queued.set(false);
            spentSince.set(0);
            lastNanos.set(System.nanoTime());
            try {
                proxy.getOptimizationController().syncImmediately();
            } catch (RuntimeException e) {
                if (removedMeanwhile(e)) {
                    // Deleted as full: the next request starts from a new proxy, which creates it again.
                    proxies.asMap().computeIfPresent(spending, (key, held) -> held.proxy() == proxy ? null : held);
                } else {
                    log.warn("Could not write a rate limit's spending back; the next request retries: {}",
                            e.getMessage());
                }
            }
        }
    }
}
