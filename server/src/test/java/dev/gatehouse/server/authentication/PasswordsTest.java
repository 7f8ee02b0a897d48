package dev.gatehouse.server.authentication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.shared.ServiceUnavailable;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/** The production Argon2id cost, the test suite's cheaper one, and the bound on hashes at once. */
class PasswordsTest {

    @Test
    void productionHashesAreArgon2idWithSixteenMebibytesTwoPassesAndOneLane() {
        Passwords production = new Passwords(Passwords.Argon2.PRODUCTION, 1, Duration.ofSeconds(5));

        String hash = production.hash("a long enough passphrase");

        assertThat(hash).startsWith("{argon2}$argon2id$v=19$m=16384,t=2,p=1$");
        assertThat(production.matches("a long enough passphrase", hash)).isTrue();
        assertThat(production.matches("another passphrase", hash)).isFalse();
    }

    @Test
    void theServerDefaultsAreTheProductionCostAndOneHashPerCore() {
        Constructor<?> spring = Arrays.stream(Passwords.class.getDeclaredConstructors())
                .filter(c -> c.getParameterCount() == 5).findFirst().orElseThrow();
        List<String> defaults = Arrays.stream(spring.getParameterAnnotations())
                .map(annotations -> ((Value) annotations[0]).value()).toList();

        assertThat(defaults).containsExactly(
                "${gatehouse.passwords.argon2.memory-kib:16384}",
                "${gatehouse.passwords.argon2.iterations:2}",
                "${gatehouse.passwords.argon2.parallelism:1}",
                "${gatehouse.passwords.concurrent-hashes:0}",
                "${gatehouse.passwords.hash-wait:2s}");
    }

    @Test
    void aStoredHashVerifiesWhateverCostNewHashesUse() {
        Passwords production = new Passwords(Passwords.Argon2.PRODUCTION, 1, Duration.ofSeconds(5));
        Passwords cheap = new Passwords(new Passwords.Argon2(64, 1, 1), 1, Duration.ofSeconds(5));

        String stored = production.hash("a long enough passphrase");

        assertThat(cheap.hash("x")).startsWith("{argon2}$argon2id$v=19$m=64,t=1,p=1$");
        assertThat(cheap.matches("a long enough passphrase", stored)).isTrue();
        assertThat(production.matches("x", cheap.hash("x"))).isTrue();
    }

    @Test
    void aHashThatCannotStartWithinTheWaitIsRefusedAsUnavailable() throws Exception {
        // 32 MiB and 4 passes: long enough to be still running while the second one waits.
        Passwords one = new Passwords(new Passwords.Argon2(32 * 1024, 4, 1), 1, Duration.ofMillis(50));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> one.hash("the first passphrase"));
        while (one.hashesInProgress() == 0 && !first.isDone()) {
            Thread.onSpinWait();
        }

        assertThatThrownBy(() -> one.matchesNothing("the second passphrase"))
                .isInstanceOfSatisfying(ServiceUnavailable.class,
                        e -> assertThat(e.retryAfter()).isPositive());
        assertThat(first.get()).startsWith("{argon2}");
        assertThat(one.hashesInProgress()).isZero();
    }

    @Test
    void theCostIsCheckedAtStart() {
        assertThatThrownBy(() -> new Passwords.Argon2(4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Passwords.Argon2(64, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
