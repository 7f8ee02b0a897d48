package dev.gatehouse.server.throttling;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * This node's view of one shared bucket, so that a door weighing only failures (sign-in) can let an
 * attempt through without a database round trip while the bucket is far from empty
 * (docs/security.md, "Throttling": the bound this keeps across nodes).
 *
 * <p>It holds what the database last answered was left ({@link #learn}, never raised by an answer:
 * concurrent answers arrive out of order, and only refilling raises it) and how many attempts this
 * node let through on it that have not yet been weighed ({@link #tryLetThrough}, at most the
 * limit's {@link #slack}, and only while the tokens known, less those attempts, stay above it).
 */
final class BucketView {

    private static final long NANOS_PER_MINUTE = 60_000_000_000L;

    private final Limit limit;
    private final AtomicInteger unweighed = new AtomicInteger();
    /** Tokens left at {@link #knownAt}, as the database said; {@code capacity} until it said anything. */
    private double known;
    private long knownAt;

    BucketView(Limit limit, long now) {
        this.limit = limit;
        this.known = limit.requests();
        this.knownAt = now;
    }

    /**
     * How many attempts one node may have in flight on this bucket without having spent their
     * tokens: a tenth of the limit, at least one. Across {@code n} nodes a bucket may be overdrawn
     * by at most {@code n} times this before the nodes learn it, and the overdraft is then owed.
     */
    static int slack(Limit limit) {
        return Math.max(1, limit.requests() / 10);
    }

    /** Lets one attempt through unweighed when the bucket is far from empty; the caller must {@link #settle} it. */
    synchronized boolean tryLetThrough(long now) {
        int slack = slack(limit);
        int mine = unweighed.get() + 1;
        if (mine > slack || tokens(now) - mine < slack) {
            return false;
        }
        unweighed.set(mine);
        return true;
    }

    /** An attempt let through has been weighed (spent on failure) or is forgotten (success, overload). */
    void settle() {
        unweighed.decrementAndGet();
    }

    /** Attempts let through here and not yet weighed: a reservation must leave them their tokens. */
    int unweighed() {
        return unweighed.get();
    }

    /** The database said {@code remaining} tokens are left; an older, larger answer arriving later never raises the view. */
    synchronized void learn(long remaining, long now) {
        known = Math.min(tokens(now), remaining);
        knownAt = now;
    }

    /** This node gave one token back: the view rises by it (up to the capacity). */
    synchronized void gaveBack(long now) {
        known = Math.min(limit.requests(), tokens(now) + 1);
        knownAt = now;
    }

    /** The tokens known, plus what the limit refilled since (smoothly: {@code requests} per {@code perMinutes}). */
    private double tokens(long now) {
        double refilled = (double) (now - knownAt) * limit.requests() / (limit.perMinutes() * NANOS_PER_MINUTE);
        return Math.min(limit.requests(), known + Math.max(0, refilled));
    }
}
