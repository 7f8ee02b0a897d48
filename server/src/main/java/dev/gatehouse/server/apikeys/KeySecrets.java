package dev.gatehouse.server.apikeys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * How API keys are spelled and stored: {@code ghk_<public id>_<secret>}. The fixed {@code ghk_}
 * and the public id let secret scanners (GitHub's push protection, gitleaks) find a leaked key and
 * its owner find the key; the secret is 44 base62 characters from {@link SecureRandom}, 261 bits.
 *
 * <p>Only SHA-256 of the whole key is stored. A password needs a slow hash because people choose
 * guessable ones; a 256-bit random secret has nothing to guess, and a fast hash lets a key be
 * found by its hash in one indexed lookup (the same reasoning as GitHub's and Stripe's tokens;
 * OWASP ASVS 11.4 asks slow hashing for passwords, not for high-entropy tokens).
 */
final class KeySecrets {

    static final String PREFIX = "ghk_";
    private static final int PUBLIC_ID_LENGTH = 12;
    private static final int SECRET_LENGTH = 44;
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {}

    /** A new public id: 12 base62 characters (71 bits), unique among all keys by the database. */
    static String newPublicId() {
        return random(PUBLIC_ID_LENGTH);
    }

    /** The {@code prefix} field: what identifies a key without revealing it. */
    static String prefix(String publicId) {
        return PREFIX + publicId;
    }

    /** A new key of the key with {@code publicId}: its prefix and a fresh secret. */
    static String newKey(String publicId) {
        return prefix(publicId) + "_" + random(SECRET_LENGTH);
    }

    /** Whether a bearer token is spelled as an API key. */
    static boolean spelled(String token) {
        return token.startsWith(PREFIX);
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static String random(int length) {
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
            text[i] = BASE62[RANDOM.nextInt(BASE62.length)];
        }
        return new String(text);
    }
}
