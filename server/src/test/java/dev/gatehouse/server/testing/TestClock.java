package dev.gatehouse.server.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The server's clock in the ITs: the system clock, moved forward when a test needs years to pass
 * (the audit retention purge). A test that moves it puts it back ({@link #reset}) when it ends.
 */
public final class TestClock extends Clock {

    private volatile Duration ahead = Duration.ZERO;

    /** Moves the clock {@code by} ahead of the system clock (replacing an earlier move). */
    public void moveAhead(Duration by) {
        ahead = by;
    }

    public void reset() {
        ahead = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(ahead);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the server's clock is UTC");
    }

    /** Puts the test clock in place of the server's own. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Configuration {

        @Bean
        @Primary
        TestClock testClock() {
            return new TestClock();
        }
    }
}
