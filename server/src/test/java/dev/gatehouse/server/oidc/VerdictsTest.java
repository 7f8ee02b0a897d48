package dev.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Token verdicts are judged once and kept until a change they depend on is announced, or until
 * the moment they could turn by time; a verdict judged while an eviction happened is not kept.
 */
class VerdictsTest {

    private final TestClock clock = new TestClock();
    private final Verdicts verdicts = new Verdicts(clock);
    private final TenantId tenant = new TenantId(UUID.randomUUID());
    private final UUID user = UUID.randomUUID();
    private final AtomicInteger judged = new AtomicInteger();

    private Verdicts.Verdict alive(Instant until) {
        judged.incrementAndGet();
        return new Verdicts.Verdict(true, tenant, UUID.randomUUID(), user, null, "authorization-1", until);
    }

    @Test
    void aVerdictIsJudgedOnceAndKeptUntilItsUserChanges() {
        Instant until = clock.instant().plus(Duration.ofMinutes(5));
        verdicts.of("token", () -> alive(until));
        verdicts.of("token", () -> alive(until));
        assertThat(judged).hasValue(1);

        verdicts.on(new AccessChanged.Subject(tenant, UUID.randomUUID()));
        verdicts.of("token", () -> alive(until));
        assertThat(judged).as("another user's change leaves it").hasValue(1);

        verdicts.on(new AccessChanged.Subject(tenant, user));
        verdicts.of("token", () -> alive(until));
        assertThat(judged).hasValue(2);

        verdicts.on(new AccessChanged.Policy(tenant));
        verdicts.of("token", () -> alive(until));
        assertThat(judged).as("the tenant's change").hasValue(3);

        verdicts.on(new AccessChanged.Everything());
        verdicts.of("token", () -> alive(until));
        assertThat(judged).hasValue(4);
    }

    @Test
    void aVerdictHoldsOnlyUntilItCouldTurnByTime() {
        Instant until = clock.instant().plus(Duration.ofMinutes(5));
        verdicts.of("token", () -> alive(until));

        clock.moveAhead(Duration.ofMinutes(6));
        verdicts.of("token", () -> alive(clock.instant().plus(Duration.ofMinutes(5))));

        assertThat(judged).hasValue(2);
    }

    @Test
    void aVerdictJudgedWhileAChangeWasAnnouncedIsNotKept() {
        Instant until = clock.instant().plus(Duration.ofMinutes(5));
        verdicts.of("token", () -> {
            verdicts.on(new AccessChanged.Subject(tenant, user)); // the change commits while the rows are read
            return alive(until);
        });
        verdicts.of("token", () -> alive(until));

        assertThat(judged).hasValue(2);
    }

    @Test
    void forgettingAnAuthorizationDropsItsVerdictsOnly() {
        Instant until = clock.instant().plus(Duration.ofMinutes(5));
        verdicts.of("token", () -> alive(until));
        verdicts.of("other", () -> {
            judged.incrementAndGet();
            return new Verdicts.Verdict(true, tenant, null, user, null, "authorization-2", until);
        });

        verdicts.forgetAuthorizationAfterCommit("authorization-1");
        verdicts.of("token", () -> alive(until));
        verdicts.of("other", () -> alive(until));

        assertThat(judged).hasValue(3);
    }
}
