package dev.gatehouse.server.oidc;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.NodeCache;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Whether a token is alive, remembered until something it depends on changes (issue 12: no
 * database lookup per token per second). A verdict names what it was judged on — the tenant, the
 * client, the user, the Gatehouse session, the stored authorization — and holds until the first
 * moment it could turn by time alone (the token's or the account's expiry, the session's maximum
 * length or idle timeout), and at most {@link #MAX_AGE} as a safety net.
 *
 * <p>Every change that can kill a token is announced on every node as an {@link AccessChanged}
 * (PostgreSQL NOTIFY, relayed within about a quarter of a second), as for API keys: a user locked,
 * disabled, deleted or changed as theirs; a tenant suspended, its settings or a client's status as
 * the tenant's; a token revoked, or a session ended that applications signed in through, as its
 * user's ({@link Authorizations}, {@link OidcClients}). Each drops the verdicts it touches, so a
 * dead token is refused on every node within a second.
 *
 * <p>A verdict judged while a change commits could be read before it and kept after its eviction;
 * so a verdict is kept only when no eviction happened while it was being judged.
 */
@Component
class Verdicts {

    static final Duration MAX_AGE = Duration.ofMinutes(10);

    /**
     * One judgement: alive or not, what it depends on, and until when it holds. {@code user} and
     * {@code session} are null when the token has none (a session for a client-credentials token).
     */
    record Verdict(boolean alive, TenantId tenant, @Nullable UUID client, @Nullable UUID user,
            @Nullable UUID session, @Nullable String authorization, Instant until) {

        static Verdict dead(TenantId tenant, Instant now) {
            return new Verdict(false, tenant, null, null, null, null, now.plus(MAX_AGE));
        }

        boolean dependsOnUser(TenantId tenant, UUID user) {
            return this.tenant.equals(tenant) && user.equals(this.user);
        }
    }

    private final Clock clock;
    private final NodeCache<Object, Verdict> verdicts;

    Verdicts(Clock clock) {
        this.clock = clock;
        this.verdicts = NodeCache.over(Caffeine.newBuilder().maximumSize(200_000)
                .expireAfter(Expiry.<Object, Verdict>writing((key, verdict) -> holdsFor(verdict)))
                .build());
    }

    /**
     * The verdict on {@code key} (a token's hash, a token's id, an authorization's id), judged by
     * {@code judge} when none holds now.
     */
    Verdict of(Object key, Supplier<Verdict> judge) {
        Verdict cached = verdicts.cached(key);
        if (cached != null && cached.until().isAfter(clock.instant())) {
            return cached;
        }
        return verdicts.read(key, judge);
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Subject subject -> evict(v -> v.dependsOnUser(subject.tenant(), subject.user()));
            case AccessChanged.Policy policy -> evict(v -> v.tenant().equals(policy.tenant()));
            case AccessChanged.Everything everything -> evict(v -> true);
        }
    }

    /** Drops the verdicts of one authorization once the current transaction commits (at once without one). */
    void forgetAuthorizationAfterCommit(String authorization) {
        afterCommit(v -> authorization.equals(v.authorization()));
    }

    private void afterCommit(Predicate<Verdict> which) {
        evict(which);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // Also after commit: a judgement between this eviction and the commit may have read the old rows.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    evict(which);
                }
            });
        }
    }

    private void evict(Predicate<Verdict> which) {
        verdicts.evictIf(which);
    }

    private Duration holdsFor(Verdict verdict) {
        Duration left = Duration.between(clock.instant(), verdict.until());
        if (left.isNegative()) {
            return Duration.ZERO;
        }
        return left.compareTo(MAX_AGE) > 0 ? MAX_AGE : left;
    }

    /** The key of an unstored (client-credentials) token: its tenant and {@code jti}. */
    record TokenId(TenantId tenant, String jti) {
        TokenId {
            Objects.requireNonNull(jti);
        }
    }
}
