package dev.gatehouse.server.authentication;

import com.eatthepath.otp.HmacOneTimePasswordGenerator;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords: 6 digits, 30-second steps, HMAC-SHA1 (java-otp's HOTP default; what every
 * authenticator app understands), accepting the step before and after for clock drift. The HOTP
 * arithmetic (RFC 4226) is java-otp's; the step window and the one-use rule are ours.
 */
final class Totp {

    static final int DIGITS = 6;
    static final long STEP_SECONDS = 30;
    /** 160 bits, the HMAC-SHA1 block the RFC recommends. */
    static final int SECRET_BYTES = 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Totp() {}

    static byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return secret;
    }

    static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    }

    static String code(byte[] secret, long step) {
        try {
            return String.format("%0" + DIGITS + "d",
                    // A generator per code: it holds a Mac, which is not safe to share between threads.
                    new HmacOneTimePasswordGenerator(DIGITS).generateOneTimePassword(new SecretKeySpec(secret, "HmacSHA1"), step));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("a raw HMAC key is always valid", e);
        }
    }

    /**
     * The step whose code {@code code} is, within one step of {@code now} and after {@code lastUsed}
     * (a code is accepted once: RFC 6238 section 5.2), or empty.
     */
    static OptionalLong verify(byte[] secret, String code, Instant now, long lastUsed) {
        if (code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        long current = step(now);
        for (long step = current - 1; step <= current + 1; step++) {
            if (step > lastUsed && java.security.MessageDigest.isEqual(code(secret, step).getBytes(),
                    code.getBytes())) {
                return OptionalLong.of(step);
            }
        }
        return OptionalLong.empty();
    }

    /** RFC 4648 base32 without padding, as otpauth:// URIs carry the secret. */
    static String base32(byte[] bytes) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
