package dev.gatehouse.server.authentication;

import java.util.Map;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Password hashing (Argon2id, OWASP's first choice, behind a delegating encoder so the algorithm
 * can be upgraded) and the length rules every password meets.
 */
@Component
public class Passwords {

    /** NIST SP 800-63B: accept at least 64 characters and never truncate; this bounds hashing cost. */
    public static final int MAX_LENGTH = 256;
    public static final int DEFAULT_MIN_LENGTH = 15;

    private final PasswordEncoder encoder;
    private final String dummyHash;

    Passwords() {
        this.encoder = new DelegatingPasswordEncoder("argon2",
                Map.of("argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
        // Compared against when the user does not exist, so that the answer takes as long.
        this.dummyHash = encoder.encode("gatehouse-dummy-password-for-timing");
    }

    /** Hashes the NFKC form (NIST SP 800-63B rev 4 §3.1.1.2), as {@link #matches} compares it. */
    public String hash(String password) {
        return encoder.encode(PasswordRules.normalize(password));
    }

    public boolean matches(String password, String hash) {
        return hash != null && encoder.matches(PasswordRules.normalize(password), hash);
    }

    /** Spends the time of a real comparison; always false. */
    public boolean matchesNothing(String password) {
        encoder.matches(PasswordRules.normalize(password), dummyHash);
        return false;
    }
}
