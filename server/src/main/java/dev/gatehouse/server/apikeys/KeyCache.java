package dev.gatehouse.server.apikeys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.server.access.AccessChanged;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * API keys by the hash of a secret, with what a request with the key needs (the tenant's slug and
 * settings, the owner's username), so that a key on the check path costs no database round trip
 * (issue 12).
 *
 * <p>Nothing here expires by time alone except as a safety net: every change that can end or
 * narrow a key is announced as {@link AccessChanged} on every node — a key's own revocation or
 * rotation as a change of its owner ({@code access.AccessChanges#subjectChanged}, PostgreSQL
 * NOTIFY, relayed within about a quarter of a second), the owner's lock, disabling or roles as
 * theirs (and so their required actions: authentication.Accounts), the tenant's settings and state
 * as the tenant's — and drops the entries it touches.
 * Expiry and a rotation's overlap are checked on every use against the cached times.
 */
@Component
class KeyCache {

    /**
     * A key as a request needs it; {@code previous} when found by the secret a rotation replaced;
     * {@code ownerRequiredActions} what its owner must do before the key works (a person's only).
     */
    record Entry(KeyStore.Key key, boolean previous, String tenantSlug, String ownerName,
            List<String> ownerRequiredActions) {}

    private final Cache<ByteBuffer, Entry> byHash = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    /** The key with this secret hash, from the cache or else from {@code load} (not cached when absent). */
    Optional<Entry> find(byte[] hash, Supplier<Optional<Entry>> load) {
        ByteBuffer id = ByteBuffer.wrap(hash);
        Entry cached = byHash.getIfPresent(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Entry> loaded = load.get();
        loaded.ifPresent(entry -> byHash.put(id, entry));
        return loaded;
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Subject subject -> evict(entry -> entry.key().tenant().equals(subject.tenant())
                    && entry.key().owner().equals(subject.user()));
            case AccessChanged.Policy policy -> evict(entry -> entry.key().tenant().equals(policy.tenant()));
            case AccessChanged.Everything everything -> byHash.invalidateAll();
        }
    }

    private void evict(Predicate<Entry> which) {
        byHash.asMap().values().removeIf(which);
    }
}
