package dev.gatehouse.server.authentication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SessionCacheTest {

    private static final byte[] TOKEN_HASH = {1, 2, 3};
    private static final Instant SIGNED_IN = Instant.parse("2026-12-07T10:00:00Z");

    /** The cache's clock, moved by the test. */
    private final AtomicLong nanos = new AtomicLong();
    /** Background refreshes wait here until the test runs them, as a request would not wait for them. */
    private final Queue<Runnable> background = new ArrayDeque<>();
    private final Executor refreshes = background::add;
    /** What the database answers now for the token, and how often it was asked. */
    private final AtomicReference<Optional<Sessions.Live>> row = new AtomicReference<>();
    private final AtomicInteger reads = new AtomicInteger();

    private SessionCache cache(Duration ttl) {
        return new SessionCache(ttl, hash -> {
            reads.incrementAndGet();
            return row.get();
        }, nanos::get, refreshes);
    }

    private static Sessions.Live live(TenantId tenant, UUID user, String username) {
        return new Sessions.Live(tenant, "clinic", UUID.randomUUID(), user, username, "ACTIVE", List.of(), SIGNED_IN,
                SIGNED_IN.plusSeconds(3600), new SessionRules(Duration.ofMinutes(30), 12, null, false,
                        List.of(List.of()), false), null, null, false);
    }

    private void after(Duration elapsed) {
        nanos.addAndGet(elapsed.toNanos());
    }

    private void runRefreshes() {
        for (Runnable refresh = background.poll(); refresh != null; refresh = background.poll()) {
            refresh.run();
        }
    }

    @Test
    void refusesATimeToLiveLongerThanASecondSoEndedSessionsDieWithinOneEverywhere() {
        assertThatThrownBy(() -> cache(Duration.ofMillis(1_001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache-ttl");
        assertThatThrownBy(() -> cache(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsASecondOrLessAndZeroToTurnItOff() {
        assertThatCode(() -> cache(Duration.ofSeconds(1))).doesNotThrowAnyException();
        assertThatCode(() -> cache(Duration.ofMillis(250))).doesNotThrowAnyException();
        assertThatCode(() -> cache(Duration.ZERO)).doesNotThrowAnyException();
    }

    @Test
    void aSessionInUseIsReadAgainInTheBackgroundWhileRequestsGoOnWithTheEntryTheyHave() {
        TenantId tenant = new TenantId(UUID.randomUUID());
        UUID user = UUID.randomUUID();
        Sessions.Live first = live(tenant, user, "ana");
        Sessions.Live renamed = live(tenant, user, "ana.b");
        SessionCache cache = cache(Duration.ofSeconds(1));
        row.set(Optional.of(first));
        assertThat(cache.find(TOKEN_HASH)).contains(first);
        assertThat(reads).hasValue(1);

        row.set(Optional.of(renamed));
        after(Duration.ofMillis(600));
        // Past half its life: the request is answered from the entry, the read is left to the background.
        assertThat(cache.find(TOKEN_HASH)).contains(first);
        assertThat(reads).hasValue(1);
        assertThat(background).isNotEmpty();

        runRefreshes();
        assertThat(reads).hasValue(2);
        assertThat(cache.find(TOKEN_HASH)).contains(renamed);
        // The refreshed entry lives a whole time-to-live from its own read.
        after(Duration.ofMillis(500));
        assertThat(cache.find(TOKEN_HASH)).contains(renamed);
        assertThat(reads).hasValue(2);
    }

    @Test
    void anEntryIsNeverServedLongerThanTheTimeToLiveAfterItsReadWhileItsRefreshIsLate() {
        TenantId tenant = new TenantId(UUID.randomUUID());
        SessionCache cache = cache(Duration.ofSeconds(1));
        row.set(Optional.of(live(tenant, UUID.randomUUID(), "ana")));
        assertThat(cache.find(TOKEN_HASH)).isPresent();

        row.set(Optional.empty()); // ended on another node
        after(Duration.ofMillis(600));
        assertThat(cache.find(TOKEN_HASH)).isPresent(); // the refresh is queued, not run
        after(Duration.ofMillis(400));
        assertThat(cache.find(TOKEN_HASH)).isEmpty();
        assertThat(reads).hasValue(2);
    }

    @Test
    void aSessionEndedOnAnotherNodeIsDroppedByTheNextRefresh() {
        TenantId tenant = new TenantId(UUID.randomUUID());
        SessionCache cache = cache(Duration.ofSeconds(1));
        row.set(Optional.of(live(tenant, UUID.randomUUID(), "ana")));
        assertThat(cache.find(TOKEN_HASH)).isPresent();

        row.set(Optional.empty());
        after(Duration.ofMillis(600));
        assertThat(cache.find(TOKEN_HASH)).isPresent();
        runRefreshes();
        assertThat(cache.find(TOKEN_HASH)).isEmpty();
    }

    @Test
    void aRefreshThatAnEvictionOvertookDoesNotBringTheSessionBack() {
        TenantId tenant = new TenantId(UUID.randomUUID());
        UUID user = UUID.randomUUID();
        SessionCache cache = cache(Duration.ofSeconds(1));
        row.set(Optional.of(live(tenant, user, "ana")));
        assertThat(cache.find(TOKEN_HASH)).isPresent();

        after(Duration.ofMillis(600));
        assertThat(cache.find(TOKEN_HASH)).isPresent(); // a refresh starts ...
        cache.evictUser(tenant, user); // ... the user is locked here meanwhile ...
        runRefreshes(); // ... and the refresh had read the row before the lock committed.
        assertThat(reads).hasValue(2);

        row.set(Optional.empty());
        assertThat(cache.find(TOKEN_HASH)).isEmpty();
        assertThat(reads).hasValue(3);
    }

    @Test
    void aTouchKeepsTheEntrysAgeAndReadsItAgain() {
        TenantId tenant = new TenantId(UUID.randomUUID());
        SessionCache cache = cache(Duration.ofSeconds(1));
        row.set(Optional.of(live(tenant, UUID.randomUUID(), "ana")));
        assertThat(cache.find(TOKEN_HASH)).isPresent();

        after(Duration.ofMillis(400));
        Instant touchedAt = SIGNED_IN.plusSeconds(60);
        cache.touched(TOKEN_HASH, touchedAt);
        assertThat(cache.find(TOKEN_HASH)).get().extracting(Sessions.Live::lastSeenAt).isEqualTo(touchedAt);
        assertThat(background).isNotEmpty(); // the row with the touch is read again

        // Left unrefreshed, the touched entry still ends a second after its row was read.
        row.set(Optional.empty());
        after(Duration.ofMillis(600));
        assertThat(cache.find(TOKEN_HASH)).isEmpty();
    }

    @Test
    void withoutATimeToLiveEveryRequestReadsTheDatabase() {
        SessionCache cache = cache(Duration.ZERO);
        row.set(Optional.of(live(new TenantId(UUID.randomUUID()), UUID.randomUUID(), "ana")));
        cache.find(TOKEN_HASH);
        cache.find(TOKEN_HASH);
        assertThat(reads).hasValue(2);
    }
}
