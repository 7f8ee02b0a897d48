package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.ServiceUnavailable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Password hashing (Argon2id, OWASP's first choice, behind a delegating encoder so the algorithm
 * can be upgraded) and the length rules every password meets.
 *
 * <p>Each hash or comparison takes {@link Argon2#memoryKib()} of memory (16 MB in production), so
 * only as many run at once as the machine has cores ({@code gatehouse.passwords.concurrent-hashes});
 * a request that cannot start one within {@code gatehouse.passwords.hash-wait} is answered
 * {@code 503} with {@code Retry-After} rather than queueing memory without bound
 * (docs/security.md, "Durability and overload").
 */
@Component
public class Passwords {

    /** NIST SP 800-63B: accept at least 64 characters and never truncate; this bounds hashing cost. */
    public static final int MAX_LENGTH = 256;

    /**
     * Argon2id's cost. Stored hashes carry their own parameters, so a change applies to new hashes
     * and every stored one still verifies.
     */
    public record Argon2(int memoryKib, int iterations, int parallelism) {
        /** Spring Security 5.8's defaults (OWASP's second Argon2id option: 19 MiB/2/1 is its first). */
        public static final int PRODUCTION_MEMORY_KIB = 16_384;
        public static final int PRODUCTION_ITERATIONS = 2;
        public static final int PRODUCTION_PARALLELISM = 1;
        public static final Argon2 PRODUCTION =
                new Argon2(PRODUCTION_MEMORY_KIB, PRODUCTION_ITERATIONS, PRODUCTION_PARALLELISM);

        public Argon2 {
            if (parallelism < 1 || iterations < 1 || memoryKib < 8 * parallelism) {
                throw new IllegalArgumentException("Argon2 needs parallelism >= 1, iterations >= 1 and "
                        + "memory >= 8 KiB per lane, not " + memoryKib + "/" + iterations + "/" + parallelism);
            }
        }

        Argon2PasswordEncoder encoder() {
            return new Argon2PasswordEncoder(16, 32, parallelism, memoryKib, iterations);
        }
    }

    private final PasswordEncoder encoder;
    private final String dummyHash;
    private final Semaphore hashing;
    private final int concurrentHashes;
    private final Duration wait;

    @Autowired
    Passwords(@Value("${gatehouse.passwords.argon2.memory-kib:" + Argon2.PRODUCTION_MEMORY_KIB + "}") int memoryKib,
            @Value("${gatehouse.passwords.argon2.iterations:" + Argon2.PRODUCTION_ITERATIONS + "}") int iterations,
            @Value("${gatehouse.passwords.argon2.parallelism:" + Argon2.PRODUCTION_PARALLELISM + "}") int parallelism,
            @Value("${gatehouse.passwords.concurrent-hashes:0}") int concurrentHashes,
            @Value("${gatehouse.passwords.hash-wait:2s}") Duration wait) {
        this(new Argon2(memoryKib, iterations, parallelism),
                concurrentHashes > 0 ? concurrentHashes : Runtime.getRuntime().availableProcessors(), wait);
    }

    Passwords(Argon2 cost, int concurrentHashes, Duration wait) {
        this.encoder = new DelegatingPasswordEncoder("argon2", Map.of("argon2", cost.encoder()));
        this.concurrentHashes = concurrentHashes;
        this.hashing = new Semaphore(concurrentHashes, true);
        this.wait = wait;
        // Compared against when the user does not exist, so that the answer takes as long.
        this.dummyHash = encoder.encode("gatehouse-dummy-password-for-timing");
    }

    /** Hashes the NFKC form (NIST SP 800-63B rev 4 §3.1.1.2), as {@link #matches} compares it. */
    public String hash(String password) {
        return bounded(() -> encoder.encode(PasswordRules.normalize(password)));
    }

    public boolean matches(String password, String hash) {
        return hash != null && bounded(() -> encoder.matches(PasswordRules.normalize(password), hash));
    }

    /** Spends the time of a real comparison; always false. */
    public boolean matchesNothing(String password) {
        bounded(() -> encoder.matches(PasswordRules.normalize(password), dummyHash));
        return false;
    }

    /** How many hashes or comparisons run now (for tests of the bound). */
    int hashesInProgress() {
        return concurrentHashes - hashing.availablePermits();
    }

    private <T> T bounded(Supplier<T> work) {
        try {
            if (!hashing.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ServiceUnavailable("too many passwords are being checked at once; try again",
                        Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailable("interrupted while waiting to check a password", Duration.ofSeconds(1));
        }
        try {
            return work.get();
        } finally {
            hashing.release();
        }
    }
}
