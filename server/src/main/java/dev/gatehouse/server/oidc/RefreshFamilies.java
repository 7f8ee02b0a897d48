package dev.gatehouse.server.oidc;

import dev.gatehouse.server.shared.Ids;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refresh tokens that name their family (issue 17). Every refresh token of one authorization says
 * which it is and proves it: its authorization's id, 256 random bits, and a MAC of both under a key
 * of that authorization ({@link #KEY}, 256 random bits kept in the sealed authorization, never in a
 * token). So a rotated token presented again is recognised as its family's from the token alone,
 * without the database keeping every rotated token's hash ({@link Authorizations}: an array that
 * grew and was rewritten, with its index, on every refresh); a token made up with a known id but
 * not issued by Gatehouse fails the MAC and kills nothing.
 *
 * <p>An authorization saved before this (no key) keeps plain random tokens and the list of rotated
 * hashes until it ends ({@link #isLegacy}).
 */
final class RefreshFamilies implements OAuth2TokenGenerator<OAuth2RefreshToken> {

    /** The authorization attribute holding its family's key (Base64). */
    static final String KEY = "gatehouse.refresh-family-key";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ID = 16;
    private static final int NONCE = 32;
    private static final int TAG = 16;

    private final OAuth2RefreshTokenGenerator plain = new OAuth2RefreshTokenGenerator();

    /** The authorization with a family key when it has none: a new authorization, before its first save. */
    static OAuth2Authorization withKey(OAuth2Authorization authorization) {
        if (!isLegacy(authorization) || Ids.parse(authorization.getId()).isEmpty()) {
            return authorization;
        }
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return OAuth2Authorization.from(authorization)
                .attribute(KEY, Base64.getEncoder().encodeToString(key)).build();
    }

    /** An authorization from before family keys: its rotated refresh tokens are listed by hash. */
    static boolean isLegacy(OAuth2Authorization authorization) {
        return authorization.getAttribute(KEY) == null;
    }

    /** As the server's own generator (none for a public client's code grant), the value naming its family. */
    @Override
    public @Nullable OAuth2RefreshToken generate(OAuth2TokenContext context) {
        OAuth2RefreshToken token = plain.generate(context);
        OAuth2Authorization authorization = context.getAuthorization();
        if (token == null || authorization == null || isLegacy(authorization)) {
            return token;
        }
        Optional<UUID> family = Ids.parse(authorization.getId());
        if (family.isEmpty()) {
            return token;
        }
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        byte[] body = ByteBuffer.allocate(ID + NONCE).putLong(family.get().getMostSignificantBits())
                .putLong(family.get().getLeastSignificantBits()).put(nonce).array();
        byte[] value = ByteBuffer.allocate(ID + NONCE + TAG).put(body).put(tag(key(authorization), body)).array();
        return new OAuth2RefreshToken(Base64.getUrlEncoder().withoutPadding().encodeToString(value),
                token.getIssuedAt(), token.getExpiresAt());
    }

    /** The authorization a refresh token says it belongs to, when it has this form (not yet proven). */
    static Optional<String> familyOf(String token) {
        byte[] value = decode(token);
        if (value == null) {
            return Optional.empty();
        }
        ByteBuffer bytes = ByteBuffer.wrap(value);
        return Optional.of(new UUID(bytes.getLong(), bytes.getLong()).toString());
    }

    /** Whether {@code token} was issued in {@code authorization}'s family: its MAC under the family's key. */
    static boolean issuedIn(OAuth2Authorization authorization, String token) {
        byte[] value = decode(token);
        if (value == null || isLegacy(authorization)) {
            return false;
        }
        byte[] body = Arrays.copyOf(value, ID + NONCE);
        return familyOf(token).filter(authorization.getId()::equals).isPresent()
                && MessageDigest.isEqual(tag(key(authorization), body), Arrays.copyOfRange(value, ID + NONCE,
                        value.length));
    }

    private static byte @Nullable [] decode(String token) {
        if (token.length() != 86) {
            return null;
        }
        try {
            byte[] value = Base64.getUrlDecoder().decode(token);
            return value.length == ID + NONCE + TAG ? value : null;
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }

    private static byte[] key(OAuth2Authorization authorization) {
        return Base64.getDecoder().decode(authorization.<String>getAttribute(KEY));
    }

    private static byte[] tag(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(body), TAG);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
