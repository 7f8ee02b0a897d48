package dev.gatehouse.server.users;

import dev.gatehouse.server.authentication.Tokens;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
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
    private final PublicUrl publicUrl;
    private final TenantDirectory tenants;

    UserTokens(JdbcClient jdbc, PublicUrl publicUrl, TenantDirectory tenants) {
        this.jdbc = jdbc;
        this.publicUrl = publicUrl;
        this.tenants = tenants;
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
        return issueFirst(tenant, user, purpose, validFor, now);
    }

    /**
     * Issues the first token of a user created in the same transaction, who has none to revoke
     * (issue 17: a creation with an invitation spares the revoking update); returns the link to send.
     */
    public String issueFirst(TenantId tenant, UUID user, Purpose purpose, Duration validFor, Instant now) {
        String token = Tokens.newToken();
        // Issue 12: a service account never sets a password, so no link is ever made for one; the
        // callers refuse first with a reason, and this holds whatever a caller forgets.
        int issued = jdbc.sql("""
                        insert into user_tokens (tenant_id, id, user_id, purpose, token_hash, created_at, expires_at)
                        select :tenant, :id, u.id, :purpose, :hash, :now, :expires from users u
                        where u.tenant_id = :tenant and u.id = :user and u.kind = 'HUMAN'
                        """)
                .param("tenant", tenant.value()).param("id", UUID.randomUUID()).param("user", user)
                .param("purpose", purpose.name()).param("hash", Tokens.hash(token))
                .param("now", now.atOffset(ZoneOffset.UTC)).param("expires", now.plus(validFor).atOffset(ZoneOffset.UTC))
                .update();
        if (issued != 1) {
            throw new IllegalStateException("no " + purpose + " link for user " + user + ", who is not a person");
        }
        String page = purpose == Purpose.INVITATION ? "invitation" : "reset-password";
        return publicUrl.base() + "/console/" + page + "?token=" + token;
    }

    /** A token that could still be redeemed when it was looked up. */
    record Pending(TenantId tenant, UUID id, UUID user, Purpose purpose) {}

    /**
     * The unused, unrevoked, unexpired token with this value, of a person (never a service account,
     * issue 12), in an active tenant. Looked up without a tenant: the link is all its holder has,
     * and the token names its tenant.
     */
    Optional<Pending> findUsable(String token, Instant now) {
        return jdbc.sql("""
                        select k.tenant_id, k.id, k.user_id, k.purpose from user_tokens k
                        join users u on u.tenant_id = k.tenant_id and u.id = k.user_id
                        where k.token_hash = :hash and k.used_at is null and k.revoked_at is null
                          and k.expires_at > :now and u.kind = 'HUMAN'
                        """)
                .param("hash", Tokens.hash(token)).param("now", now.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new Pending(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class),
                        Purpose.valueOf(rs.getString("purpose"))))
                .optional()
                .filter(pending -> tenants.isActive(pending.tenant()));
    }

    /**
     * Marks the token used if it still may be: one statement, so that of any number of parallel
     * redemptions exactly one sees a row come back (the others wait for its row lock, then find
     * {@code used_at} set).
     */
    boolean claim(TenantId tenant, UUID token, Instant now) {
        return jdbc.sql("""
                        update user_tokens set used_at = :now
                        where tenant_id = :tenant and id = :id
                          and used_at is null and revoked_at is null and expires_at > :now
                        returning id
                        """)
                .param("now", now.atOffset(ZoneOffset.UTC)).param("tenant", tenant.value()).param("id", token)
                .query(UUID.class).optional().isPresent();
    }

    /** Revokes the user's unused tokens of this purpose, as when the account is locked. */
    int revoke(TenantId tenant, UUID user, Purpose purpose, Instant now) {
        return jdbc.sql("""
                        update user_tokens set revoked_at = :now
                        where tenant_id = :tenant and user_id = :user and purpose = :purpose
                          and used_at is null and revoked_at is null
                        """)
                .param("now", now.atOffset(ZoneOffset.UTC)).param("tenant", tenant.value()).param("user", user)
                .param("purpose", purpose.name()).update();
    }
}
