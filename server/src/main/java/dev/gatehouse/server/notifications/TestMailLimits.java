package dev.gatehouse.server.notifications;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.throttling.CredentialLimits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The test message's limits, in the buckets every node shares: each test opens a connection to the
 * SMTP server and sends a mail, so a script holding an operator's session must not turn Gatehouse
 * into a mail cannon or a port scanner. Per account {@value #PER_ACCOUNT} in 15 minutes (a few tries
 * while fixing a setting), per address {@value #PER_ADDRESS}, per platform {@value #PER_PLATFORM}
 * an hour.
 */
@Component
class TestMailLimits {

    static final int PER_ACCOUNT = 5;
    static final int PER_ADDRESS = 10;
    static final int PER_PLATFORM = 30;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final CredentialLimits buckets;

    TestMailLimits(CredentialLimits buckets) {
        this.buckets = buckets;
    }

    /**
     * @throws TooManyRequests 429 with Retry-After when one of the limits is spent
     */
    void spend(Caller caller, Origin origin) {
        refuseIfSpent(buckets.spend("test-mail:account:" + caller.userId(), PER_ACCOUNT, WINDOW));
        if (origin.ip() != null) {
            refuseIfSpent(buckets.spend("test-mail:address:" + origin.ip(), PER_ADDRESS, WINDOW));
        }
        refuseIfSpent(buckets.spend("test-mail:platform:" + caller.tenant(), PER_PLATFORM, Duration.ofHours(1)));
    }

    private static void refuseIfSpent(long waitNanos) {
        if (waitNanos > 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
            throw new TooManyRequests(seconds, "too many test messages; try again in " + seconds + " seconds");
        }
    }
}
