package dev.gatehouse.server.authentication;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.TenantId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Live sessions by token hash for a very short time, so that a burst of API calls with one token
 * (an application asking permission checks) does not query the database on every request.
 *
 * <p>The time-to-live is at most one second: a session ended on another node, or a user locked
 * there, stops working here within a second (seed 004: a permanent lock kills every session within
 * seconds). On this node, ending sessions evicts them after commit, and so does every announced
 * change to a user or tenant ({@link AccessChanged}), which other nodes relay within about a
 * quarter of a second.
 */
@Component
class SessionCache {

    static final Duration MAX_TTL = Duration.ofSeconds(1);

    private final Cache<ByteBuffer, Sessions.Live> byToken;
    private final boolean enabled;

    SessionCache(@Value("${gatehouse.sessions.cache-ttl:PT1S}") Duration ttl) {
        if (ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("gatehouse.sessions.cache-ttl must be between 0 and " + MAX_TTL
                    + " so that ended sessions die within a second on every node; got " + ttl);
        }
        this.enabled = !ttl.isZero();
        this.byToken = Caffeine.newBuilder().expireAfterWrite(enabled ? ttl : Duration.ofNanos(1))
                .maximumSize(100_000).build();
    }

    /** The live session with this token hash, from the cache or else from {@code sessions}. */
    Optional<Sessions.Live> find(byte[] tokenHash, Instant now, Sessions sessions) {
        if (!enabled) {
            return sessions.findLive(tokenHash, now);
        }
        ByteBuffer key = ByteBuffer.wrap(tokenHash);
        Sessions.Live cached = byToken.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Sessions.Live> live = sessions.findLive(tokenHash, now);
        live.ifPresent(session -> byToken.put(key, session));
        return live;
    }

    /** Keeps a cached session's last use current after it was written, so it is not touched again at once. */
    void touched(byte[] tokenHash, Sessions.Live session, Instant now) {
        if (enabled) {
            byToken.asMap().computeIfPresent(ByteBuffer.wrap(tokenHash), (key, old) -> session.seenAt(now));
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
        byToken.asMap().values().removeIf(which);
    }
}
