package dev.gatehouse.server.authentication;

import dev.gatehouse.server.testing.TestMembers;
import java.time.Instant;

/**
 * An authenticator app for tests outside this package (the console's browser tests): it holds the
 * key a page showed and answers the current code with the server's own {@link Totp}.
 */
public final class AuthenticatorApp {

    private final byte[] secret;

    private AuthenticatorApp(byte[] secret) {
        this.secret = secret;
    }

    /** The app after typing in the base32 key of an enrolment page. */
    public static AuthenticatorApp withKey(String base32) {
        return new AuthenticatorApp(TestMembers.base32(base32));
    }

    public String currentCode() {
        return Totp.code(secret, Totp.step(Instant.now()));
    }
}
