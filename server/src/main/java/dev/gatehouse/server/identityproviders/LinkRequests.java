package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.shared.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sso_link_requests table: a consent to link an existing account, pending while its owner proves
 * the account's password. The token (256 random bits) is shown to the browser once and stored as its
 * SHA-256; it is taken at most once ({@link #take}), within its ten minutes.
 */
@Repository
class LinkRequests {

    /** A pending link, as taken. */
    record Pending(TenantId tenant, UUID provider, UUID user, ExternalIdentity identity) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    LinkRequests(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A new pending link; its token, shown this once. */
    String create(TenantId tenant, UUID provider, UUID user, ExternalIdentity identity, Instant expiresAt) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = "ghl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        jdbc.sql("""
                        insert into sso_link_requests (token_hash, tenant_id, provider_id, subject, user_id, identity,
                            expires_at)
                        values (:hash, :tenant, :provider, :subject, :user, cast(:identity as jsonb), :expiresAt)
                        """)
                .param("hash", hash(token)).param("tenant", tenant.value()).param("provider", provider)
                .param("subject", identity.subject()).param("user", user)
                .param("identity", JSON.writeValueAsString(identity))
                .param("expiresAt", expiresAt.atOffset(ZoneOffset.UTC)).update();
        // Old requests go with each new one: a pending link lives ten minutes, its row not much longer.
        jdbc.sql("delete from sso_link_requests where expires_at < :before")
                .param("before", expiresAt.minusSeconds(3600).atOffset(ZoneOffset.UTC)).update();
        return token;
    }

    /** The pending link, live at {@code now}, without using it up. */
    Optional<Pending> peek(String token, Instant now) {
        return jdbc.sql("""
                        select tenant_id, provider_id, user_id, identity from sso_link_requests
                        where token_hash = :hash and used_at is null and expires_at > :now
                        """)
                .param("hash", hash(token)).param("now", now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new Pending(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        rs.getObject("provider_id", UUID.class), rs.getObject("user_id", UUID.class),
                        JSON.readValue(rs.getString("identity"), ExternalIdentity.class)))
                .optional();
    }

    /** Uses the pending link up: at most one caller ever gets it. */
    Optional<Pending> take(String token, Instant now) {
        return jdbc.sql("""
                        update sso_link_requests set used_at = :now
                        where token_hash = :hash and used_at is null and expires_at > :now
                        returning tenant_id, provider_id, user_id, identity
                        """)
                .param("hash", hash(token)).param("now", now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new Pending(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        rs.getObject("provider_id", UUID.class), rs.getObject("user_id", UUID.class),
                        JSON.readValue(rs.getString("identity"), ExternalIdentity.class)))
                .optional();
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
