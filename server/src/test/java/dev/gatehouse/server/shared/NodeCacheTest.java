package dev.gatehouse.server.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NodeCacheTest {

    private final NodeCache<String, String> cache = NodeCache.expiringAfter(100, Duration.ofMinutes(1));
    private final AtomicInteger reads = new AtomicInteger();

    private String read(String value) {
        reads.incrementAndGet();
        return value;
    }

    @Test
    void aValueReadOnceIsServedFromTheNodeUntilEvicted() {
        assertThat(cache.get("a", () -> read("first"))).isEqualTo("first");
        assertThat(cache.get("a", () -> read("second"))).isEqualTo("first");
        assertThat(reads).hasValue(1);

        cache.evict("a");

        assertThat(cache.get("a", () -> read("second"))).isEqualTo("second");
        assertThat(reads).hasValue(2);
    }

    @Test
    void aReadOverlappedByAnEvictionIsAnsweredButNotKept() {
        String answered = cache.get("a", () -> {
            cache.evictAll();
            return read("read before the change committed");
        });

        assertThat(answered).isEqualTo("read before the change committed");
        assertThat(cache.cached("a")).isNull();
        assertThat(cache.get("a", () -> read("after"))).isEqualTo("after");
    }

    @Test
    void anEvictionOfAnotherKeyStillSpoilsAReadInFlight() {
        cache.get("b", () -> read("b"));

        cache.get("a", () -> {
            cache.evictIf("b"::equals);
            return read("a");
        });

        assertThat(cache.cached("a")).isNull();
        assertThat(cache.cached("b")).isNull();
    }

    @Test
    void nothingFoundIsNotKeptSoWhatIsCreatedAMomentLaterIsFoundAtOnce() {
        assertThat(cache.find("a", Optional::empty)).isEmpty();

        assertThat(cache.find("a", () -> Optional.of(read("created")))).contains("created");
        assertThat(cache.find("a", () -> Optional.of(read("again")))).contains("created");
        assertThat(reads).hasValue(1);
    }

    @Test
    void aValueTheOwnerDeemsNotWorthKeepingIsReadEveryTime() {
        cache.get("a", () -> read(""), value -> !value.isEmpty());
        cache.get("a", () -> read(""), value -> !value.isEmpty());

        assertThat(reads).hasValue(2);
        assertThat(cache.cached("a")).isNull();
    }

    @Test
    void readingAgainReplacesWhatTheNodeHeld() {
        cache.get("a", () -> "stale");

        assertThat(cache.read("a", () -> "fresh")).isEqualTo("fresh");
        assertThat(cache.cached("a")).isEqualTo("fresh");
    }

    @Test
    void evictIfDropsOnlyWhatMatches() {
        cache.get("a", () -> "tenant-1");
        cache.get("b", () -> "tenant-2");

        cache.evictIf("tenant-1"::equals);

        assertThat(cache.cached("a")).isNull();
        assertThat(cache.cached("b")).isEqualTo("tenant-2");
    }
}
