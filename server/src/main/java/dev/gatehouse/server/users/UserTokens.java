package dev.gatehouse.server.users;

import dev.gatehouse.server.authentication.Tokens;
import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One-use links for invitations and password resets (seed 004: one use, 48 hours, regenerating
 * kills the old one). At least 256 random bits; only the hash is stored.
 */
@Component
public class UserTokens {

    public enum Purpose {
        INVITATION,
        PASSWORD_RESET
    }

    private final JdbcClient jdbc;
    private final String publicUrl;

    UserTokens(JdbcClient jdbc, @Value("${gatehouse.public-url:http://localhost:8080}") String publicUrl) {
        this.jdbc = jdbc;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** Issues a new token, revoking any unused one of the same purpose; returns the link to send. */
    public String issue(TenantId tenant, UUID user, Purpose purpose, Duration validFor, Instant now) {
        jdbc.sql("""
                        update user_tokens set revoked_at = :now
                        where tenant_id = :tenant and user_id = :user and purpose = :purpose
                          and used_at is null and revoked_at is null
                        """)
                .param("now", now.atOffset(ZoneOffset.UTC)).param("tenant", tenant.value()).param("user", user)
                .param("purpose", purpose.name()).update();
        String token = Tokens.newToken();
        jdbc.sql("""
                        insert into user_tokens (tenant_id, id, user_id, purpose, token_hash, created_at, expires_at)
                        values (:tenant, :id, :user, :purpose, :hash, :now, :expires)
                        """)
                .param("tenant", tenant.value()).param("id", UUID.randomUUID()).param("user", user)
                .param("purpose", purpose.name()).param("hash", Tokens.hash(token))
                .param("now", now.atOffset(ZoneOffset.UTC)).param("expires", now.plus(validFor).atOffset(ZoneOffset.UTC))
                .update();
        String page = purpose == Purpose.INVITATION ? "invitation" : "reset-password";
        return publicUrl + "/console/" + page + "?token=" + token;
    }
}
