package dev.gatehouse.server.authentication;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.TenantId;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Live sessions by token hash for a very short time, so that a burst of API calls with one token
 * (an application asking permission checks) does not query the database on every request.
 *
 * <p>An entry is served at most the time-to-live after its row was read, at most one second: a
 * session ended on another node, or a user locked there, stops working here within a second (seed
 * 004: a permanent lock kills every session within seconds). On this node, ending sessions evicts
 * them after commit, and so does every announced change to a user or tenant ({@link AccessChanged}),
 * which other nodes relay within about a quarter of a second.
 *
 * <p>Half-way through its life an entry in use is read again in the background ({@link CacheRefreshes})
 * while requests go on with it (issue 12: with a read on the request thread once a second, the
 * requests that waited on it were the paced check's p99). A refresh that an eviction or a touch
 * overtook is dropped, so it never brings back what was evicted.
 */
@Component
class SessionCache {

    static final Duration MAX_TTL = Duration.ofSeconds(1);

    /** A session's row as read, and when (the cache's ticker): served until the time-to-live after that. */
    private record Read(Sessions.Live live, long readAt) {}

    private final LoadingCache<ByteBuffer, Read> byToken;
    private final Function<byte[], Optional<Sessions.Live>> read;
    private final boolean enabled;

    @Autowired
    SessionCache(@Value("${gatehouse.sessions.cache-ttl:PT1S}") Duration ttl, ObjectProvider<Sessions> sessions,
            Clock clock, CacheRefreshes refreshes) {
        // Sessions evicts through this cache, so it is looked up when first needed rather than injected.
        this(ttl, hash -> sessions.getObject().findLive(hash, clock.instant()), Ticker.systemTicker(), refreshes);
    }

    SessionCache(Duration ttl, Function<byte[], Optional<Sessions.Live>> read, Ticker ticker, Executor refreshes) {
        if (ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("gatehouse.sessions.cache-ttl must be between 0 and " + MAX_TTL
                    + " so that ended sessions die within a second on every node; got " + ttl);
        }
        this.enabled = !ttl.isZero();
        this.read = read;
        long lifetime = enabled ? ttl.toNanos() : 1;
        this.byToken = Caffeine.newBuilder().maximumSize(100_000).ticker(ticker).executor(refreshes)
                .expireAfter(new ServedUntil(lifetime))
                .refreshAfterWrite(Duration.ofNanos(Math.max(1, lifetime / 2)))
                .build(key -> {
                    long readAt = ticker.read();
                    return read.apply(key.array()).map(live -> new Read(live, readAt)).orElse(null);
                });
    }

    /** The live session with this token hash, from the cache or else from the database. */
    Optional<Sessions.Live> find(byte[] tokenHash) {
        if (!enabled) {
            return read.apply(tokenHash);
        }
        return Optional.ofNullable(byToken.get(ByteBuffer.wrap(tokenHash))).map(Read::live);
    }

    /**
     * Keeps a cached session's last use current after it was written, so it is not touched again at
     * once, and reads its row again: the update keeps the entry's age but drops a refresh in flight.
     */
    void touched(byte[] tokenHash, Instant now) {
        if (enabled) {
            ByteBuffer key = ByteBuffer.wrap(tokenHash);
            if (byToken.asMap().computeIfPresent(key, (k, old) -> new Read(old.live().seenAt(now), old.readAt()))
                    != null) {
                byToken.refresh(key);
            }
        }
    }

    /** After the current transaction commits (or now, outside one): drops one session. */
    void evictSession(TenantId tenant, UUID session) {
        afterCommit(live -> live.tenant().equals(tenant) && live.id().equals(session));
    }

    /** After the current transaction commits (or now, outside one): drops every session of a user. */
    void evictUser(TenantId tenant, UUID user) {
        afterCommit(live -> live.tenant().equals(tenant) && live.userId().equals(user));
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Subject subject -> evict(live -> live.tenant().equals(subject.tenant())
                    && live.userId().equals(subject.user()));
            case AccessChanged.Policy policy -> evict(live -> live.tenant().equals(policy.tenant()));
            case AccessChanged.Everything everything -> byToken.invalidateAll();
        }
    }

    private void afterCommit(Predicate<Sessions.Live> which) {
        if (!enabled) {
            return;
        }
        evict(which);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // Also after commit: a request between this eviction and the commit may have cached the old row.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    evict(which);
                }
            });
        }
    }

    private void evict(Predicate<Sessions.Live> which) {
        byToken.asMap().values().removeIf(cached -> which.test(cached.live()));
    }

    /**
     * An entry expires the time-to-live after its row was read, whatever replaced it since: a touch
     * does not extend it, a refresh's new read does.
     */
    private record ServedUntil(long lifetime) implements Expiry<ByteBuffer, Read> {
        @Override
        public long expireAfterCreate(ByteBuffer key, Read value, long currentTime) {
            return Math.max(0, value.readAt() + lifetime - currentTime);
        }

        @Override
        public long expireAfterUpdate(ByteBuffer key, Read value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(ByteBuffer key, Read value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
