package dev.gatehouse.server.authentication;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionCacheTest {

    @Test
    void refusesATimeToLiveLongerThanASecondSoEndedSessionsDieWithinOneEverywhere() {
        assertThatThrownBy(() -> new SessionCache(Duration.ofMillis(1_001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache-ttl");
        assertThatThrownBy(() -> new SessionCache(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsASecondOrLessAndZeroToTurnItOff() {
        assertThatCode(() -> new SessionCache(Duration.ofSeconds(1))).doesNotThrowAnyException();
        assertThatCode(() -> new SessionCache(Duration.ofMillis(250))).doesNotThrowAnyException();
        assertThatCode(() -> new SessionCache(Duration.ZERO)).doesNotThrowAnyException();
    }
}
