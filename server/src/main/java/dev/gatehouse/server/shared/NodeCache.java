package dev.gatehouse.server.shared;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What many requests read and an administrator rarely changes (a tenant's settings, its alert rules,
 * its enforced providers, an OAuth client, an active slug), kept on this node until a change
 * announced on any node drops it: the owner listens to {@code access.AccessChanged} (on the changing
 * node right after the commit, on the others by PostgreSQL NOTIFY within about a quarter of a second)
 * and evicts what the change makes stale.
 *
 * <p>A value read while a change commits may be read before it and stored after its eviction, where
 * nothing would drop it again; so a value is kept only when no eviction happened while it was being
 * read. The expiry the owner gives is only a safety net, should an announcement be lost without the
 * listener noticing.
 */
public final class NodeCache<K, V> {

    private final Cache<K, V> values;

    /** Counts evictions: a read that began before one is not kept. */
    private final AtomicLong evictions = new AtomicLong();

    private NodeCache(Cache<K, V> values) {
        this.values = values;
    }

    /** At most {@code maximumSize} values, each kept at most {@code safetyNet} after its read. */
    public static <K, V> NodeCache<K, V> expiringAfter(int maximumSize, Duration safetyNet) {
        return new NodeCache<>(Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(safetyNet).build());
    }

    /** Over a cache whose bounds and expiry the owner built (empty). */
    public static <K, V> NodeCache<K, V> over(Cache<K, V> values) {
        return new NodeCache<>(values);
    }

    /** This node's value of {@code key}, if it holds one. */
    public @Nullable V cached(K key) {
        return values.getIfPresent(key);
    }

    /** This node's value of {@code key}, else {@code read}'s, kept. */
    public V get(K key, Supplier<V> read) {
        return get(key, read, value -> true);
    }

    /** This node's value of {@code key}, else {@code read}'s, kept when {@code keep} says it is worth keeping. */
    public V get(K key, Supplier<V> read, Predicate<? super V> keep) {
        V cached = values.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        long before = evictions.get();
        V value = read.get();
        if (keep.test(value)) {
            keep(key, value, before);
        }
        return value;
    }

    /** {@code read}'s value of {@code key}, without asking this node first, kept: for a value the owner found stale. */
    public V read(K key, Supplier<V> read) {
        long before = evictions.get();
        V value = read.get();
        keep(key, value, before);
        return value;
    }

    /** This node's value of {@code key}, else {@code read}'s, kept when found: a value created a moment later is found at once. */
    public Optional<V> find(K key, Supplier<Optional<V>> read) {
        V cached = values.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        long before = evictions.get();
        Optional<V> found = read.get();
        found.ifPresent(value -> keep(key, value, before));
        return found;
    }

    private void keep(K key, V value, long evictionsBeforeTheRead) {
        if (evictions.get() != evictionsBeforeTheRead) {
            return;
        }
        values.put(key, value);
        if (evictions.get() != evictionsBeforeTheRead) {
            values.asMap().remove(key, value);
        }
    }

    /** Drops the value of {@code key}, and any being read now. */
    public void evict(K key) {
        evictions.incrementAndGet();
        values.invalidate(key);
    }

    /** Drops the values {@code which} matches, and any being read now. */
    public void evictIf(Predicate<? super V> which) {
        evictions.incrementAndGet();
        values.asMap().values().removeIf(which);
    }

    /** Drops everything: announcements may have been missed. */
    public void evictAll() {
        evictions.incrementAndGet();
        values.invalidateAll();
    }
}
