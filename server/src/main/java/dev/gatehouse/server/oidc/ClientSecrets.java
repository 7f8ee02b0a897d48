package dev.gatehouse.server.oidc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Client secrets: 256 random bits with a recognisable prefix ({@code ghcs_}, so that secret
 * scanners can find a leaked one), stored as their SHA-256. A slow hash (Argon2id) guards what
 * people choose, which can be guessed; 256 random bits cannot be, so one SHA-256 is as safe and
 * keeps the token endpoint fast. The authorization server compares through this encoder, in
 * constant time ({@link MessageDigest#isEqual}).
 */
final class ClientSecrets implements PasswordEncoder {

    static final String PREFIX = "ghcs_";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new secret, shown once. */
    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A new public client identifier: unguessable, so clients cannot be enumerated across tenants. */
    static String newClientId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "ghc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String secret) {
        return HexFormat.of().formatHex(sha256(secret));
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return hash(rawPassword.toString());
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || encodedPassword == null || encodedPassword.length() != 64) {
            return false;
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(encodedPassword);
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(sha256(rawPassword.toString()), expected);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
