package dev.gatehouse.client.spring;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Bearer tokens for tests without an issuer: the token {@code dr.patel} decodes to a Gatehouse access token whose
 * {@code sub} is that user, holding {@code provider} at {@code downtown}. Declared by the test application as its
 * own {@link JwtDecoder}, so the starter's decoder gives way and its authority converter still applies.
 */
final class TestTokens {

    private TestTokens() {}

    static JwtDecoder decoder() {
        return token -> Jwt.withTokenValue(token)
                .header("typ", "at+jwt")
                .subject(token)
                .claim("preferred_username", token)
                .claim(RoleAuthorities.CLAIM, List.of(Map.of("role", "provider", "location", "downtown")))
                .issuedAt(Instant.parse("2026-01-01T00:00:00Z"))
                .expiresAt(Instant.parse("2999-01-01T00:00:00Z"))
                .build();
    }
}
