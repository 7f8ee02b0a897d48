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
        FirstLink link = first(purpose, validFor, now);
        int issued = link.bind(jdbc.sql(link.insertFrom("""
                        (select tenant_id, id, kind from users where tenant_id = :tenant and id = :user)""")))
                .param("tenant", tenant.value()).param("user", user)
                .update();
        if (issued != 1) {
            throw new IllegalStateException("no " + purpose + " link for user " + user + ", who is not a person");
        }
        return link.url();
    }

    /**
     * A user's first link, made before anything is written: {@link #issueFirst} writes it, or (issue 17)
     * the statement that inserts its user, through {@link #insertFrom}, whose parameters are named
     * {@code link…}.
     */
    record FirstLink(UUID id, Purpose purpose, byte[] hash, Instant now, Instant expiresAt, String url) {

        /**
         * The link's insert for each row of {@code users} (tenant_id, id, kind): issue 12, a service
         * account never sets a password, so no link is ever made for one; the callers refuse first
         * with a reason, and this holds whatever a caller forgets.
         */
        String insertFrom(String users) {
            return """
                    insert into user_tokens (tenant_id, id, user_id, purpose, token_hash, created_at, expires_at)
                    select u.tenant_id, :linkId, u.id, :linkPurpose, :linkHash, :linkNow, :linkExpires
                    from %s u where u.kind = 'HUMAN'""".formatted(users);
        }

        JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
            return statement.param("linkId", id).param("linkPurpose", purpose.name()).param("linkHash", hash)
                    .param("linkNow", now.atOffset(ZoneOffset.UTC))
                    .param("linkExpires", expiresAt.atOffset(ZoneOffset.UTC));
        }
    }

    FirstLink first(Purpose purpose, Duration validFor, Instant now) {
        String token = Tokens.newToken();
        String page = purpose == Purpose.INVITATION ? "invitation" : "reset-password";
        return new FirstLink(UUID.randomUUID(), purpose, Tokens.hash(token), now, now.plus(validFor),
                publicUrl.base() + "/console/" + page + "?token=" + token);
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
