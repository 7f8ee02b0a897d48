package dev.gatehouse.server.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Rows every token request reads and an administrator rarely changes (a tenant's issuer, a client),
 * kept on this node until a change announced on any node drops them ({@code access.AccessChanged}:
 * PostgreSQL NOTIFY, relayed within about a quarter of a second; on the changing node right after
 * its commit). Issue 17: the token endpoint read them on every request.
 *
 * <p>A row read while a change commits could be read before it and stored after its eviction; so
 * a value is kept only when no eviction happened while it was being read (as {@link Verdicts} does).
 * Nothing found is not kept: a row created a moment later is found at once. {@link #MAX_AGE} is a
 * safety net only, should an announcement be lost without the listener noticing.
 */
final class NodeCache<K, V> {

    static final Duration MAX_AGE = Duration.ofMinutes(10);

    private final Object evicting = new Object();
    private long evictions;
    private final Cache<K, V> values;

    NodeCache(int maximumSize) {
        this.values = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(MAX_AGE).build();
    }

    /** The value of {@code key}: this node's, else {@code read} from the database (and kept if found). */
    Optional<V> get(K key, Supplier<Optional<V>> read) {
        V cached = values.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        long before;
        synchronized (evicting) {
            before = evictions;
        }
        Optional<V> found = read.get();
        found.ifPresent(value -> {
            synchronized (evicting) {
                if (evictions == before) {
                    values.put(key, value);
                }
            }
        });
        return found;
    }

    /** Drops the values {@code which} matches, and any being read now. */
    void evict(Predicate<V> which) {
        synchronized (evicting) {
            evictions++;
        }
        values.asMap().values().removeIf(which);
    }
}
