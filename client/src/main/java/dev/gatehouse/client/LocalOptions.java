package dev.gatehouse.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link LocalDecisions} behaves: how long the change stream may stay silent before its answers
 * are no longer trusted ({@code stalenessBound}: above the server's 5 s heartbeat), what it answers
 * then ({@code whenStale}), how many users' profiles it keeps ({@code maxUsers}), and how long
 * {@link GatehouseClient#localDecisions} waits for the stream's first event ({@code firstContact}).
 */
public record LocalOptions(Duration stalenessBound, WhenStale whenStale, int maxUsers, Duration firstContact) {

    public LocalOptions {
        Objects.requireNonNull(stalenessBound, "stalenessBound");
        Objects.requireNonNull(whenStale, "whenStale");
        Objects.requireNonNull(firstContact, "firstContact");
        if (stalenessBound.isNegative() || stalenessBound.isZero()) {
            throw new IllegalArgumentException("stalenessBound must be positive");
        }
        if (maxUsers < 1) {
            throw new IllegalArgumentException("maxUsers must be at least 1");
        }
    }

    /** 10 s staleness bound, fail closed, 10,000 users, 5 s for the stream's first event. */
    public static LocalOptions defaults() {
        return new LocalOptions(Duration.ofSeconds(10), WhenStale.FAIL_CLOSED, 10_000, Duration.ofSeconds(5));
    }

    public LocalOptions stalenessBound(Duration bound) {
        return new LocalOptions(bound, whenStale, maxUsers, firstContact);
    }

    public LocalOptions whenStale(WhenStale answer) {
        return new LocalOptions(stalenessBound, answer, maxUsers, firstContact);
    }

    public LocalOptions maxUsers(int users) {
        return new LocalOptions(stalenessBound, whenStale, users, firstContact);
    }

    public LocalOptions firstContact(Duration wait) {
        return new LocalOptions(stalenessBound, whenStale, maxUsers, wait);
    }
}
