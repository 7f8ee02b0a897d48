package dev.gatehouse.server.passkeys;

import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** The ceremonies' challenges: 32 random bytes, for one tenant and purpose, used once, alive five minutes. */
@Component
class Challenges {

    static final Duration VALIDITY = Duration.ofMinutes(5);

    record Issued(UUID id, byte[] value) {}

    private final PasskeyStore store;
    private final Clock clock;

    Challenges(PasskeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Issued issue(TenantId tenant, @Nullable UUID user, PasskeyStore.Purpose purpose) {
        UUID id = UUID.randomUUID();
        byte[] value = Ceremonies.newChallenge();
        Instant now = clock.instant();
        store.createChallenge(new PasskeyStore.Challenge(id, tenant, user, purpose, value), now, now.plus(VALIDITY));
        return new Issued(id, value);
    }

    /** The live challenge, spent by this call: a second call with the same id finds nothing. */
    Optional<PasskeyStore.Challenge> spend(TenantId tenant, UUID id, PasskeyStore.Purpose purpose) {
        return store.spendChallenge(tenant, id, purpose, clock.instant());
    }
}
