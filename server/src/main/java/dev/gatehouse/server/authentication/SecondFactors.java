package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Users' second factors: the TOTP authenticator, recovery codes and the challenges of two-step sign-in. */
@Repository
class SecondFactors {

    record Authenticator(byte[] secret, boolean confirmed, long lastStep) {}

    /** {@code firstMethod}: how the first step was proved (PASSWORD, OIDC, SAML, LDAP, PASSKEY). */
    record Challenge(UUID id, TenantId tenant, UUID userId, @Nullable byte[] emailCodeHash,
            @Nullable Instant emailCodeUntil, String firstMethod) {}

    private static final String PASSWORD = "PASSWORD";

    private final JdbcClient jdbc;

    SecondFactors(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Authenticator> authenticator(TenantId tenant, UUID user) {
        return jdbc.sql("select secret, confirmed_at, last_step from mfa_totp where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> new Authenticator(rs.getBytes("secret"), rs.getObject("confirmed_at") != null,
                        rs.getObject("last_step") == null ? Long.MIN_VALUE : rs.getLong("last_step")))
                .optional();
    }

    boolean hasConfirmed(TenantId tenant, UUID user) {
        return authenticator(tenant, user).map(Authenticator::confirmed).orElse(false);
    }

    /** Starts (or restarts) an enrolment that is not confirmed yet. */
    void enrol(TenantId tenant, UUID user, byte[] secret) {
        jdbc.sql("""
                        insert into mfa_totp (tenant_id, user_id, secret) values (:tenant, :user, :secret)
                        on conflict (tenant_id, user_id) do update set secret = excluded.secret, confirmed_at = null,
                            last_step = null, created_at = now()
                        """)
                .param("tenant", tenant.value()).param("user", user).param("secret", secret).update();
    }

    void confirm(TenantId tenant, UUID user, long step, Instant now) {
        jdbc.sql("update mfa_totp set confirmed_at = :now, last_step = :step where tenant_id = :tenant and user_id = :user")
                .param("now", Sessions.utc(now)).param("step", step).param("tenant", tenant.value())
                .param("user", user).update();
    }

    /** Remembers the step of an accepted code; false when a parallel request used it (or a later one) first. */
    boolean useStep(TenantId tenant, UUID user, long step) {
        return jdbc.sql("""
                        update mfa_totp set last_step = :step
                        where tenant_id = :tenant and user_id = :user and (last_step is null or last_step < :step)
                        """)
                .param("step", step).param("tenant", tenant.value()).param("user", user).update() == 1;
    }

    void replaceRecoveryCodes(TenantId tenant, UUID user, List<byte[]> hashes) {
        jdbc.sql("delete from mfa_recovery_codes where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).update();
        for (byte[] hash : hashes) {
            jdbc.sql("insert into mfa_recovery_codes (tenant_id, user_id, code_hash) values (:tenant, :user, :hash)")
                    .param("tenant", tenant.value()).param("user", user).param("hash", hash).update();
        }
    }

    /** Spends a recovery code; false when it is unknown or already spent. */
    boolean useRecoveryCode(TenantId tenant, UUID user, byte[] hash, Instant now) {
        return jdbc.sql("""
                        update mfa_recovery_codes set used_at = :now
                        where tenant_id = :tenant and user_id = :user and code_hash = :hash and used_at is null
                        """)
                .param("now", Sessions.utc(now)).param("tenant", tenant.value()).param("user", user)
                .param("hash", hash).update() == 1;
    }

    int recoveryCodesLeft(TenantId tenant, UUID user) {
        return jdbc.sql("""
                        select count(*) from mfa_recovery_codes
                        where tenant_id = :tenant and user_id = :user and used_at is null
                        """)
                .param("tenant", tenant.value()).param("user", user).query(Integer.class).single();
    }

    /** Removes every second factor of the user and their pending challenges; returns whether there was one. */
    boolean removeAll(TenantId tenant, UUID user) {
        int removed = jdbc.sql("delete from mfa_totp where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).update();
        removed += jdbc.sql("delete from mfa_recovery_codes where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).update();
        jdbc.sql("delete from mfa_challenges where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).update();
        return removed > 0;
    }

    void createChallenge(TenantId tenant, UUID user, byte[] tokenHash, Instant now, Instant expiresAt,
            String firstMethod) {
        jdbc.sql("""
                        insert into mfa_challenges (tenant_id, id, user_id, token_hash, created_at, expires_at,
                                                    first_method)
                        values (:tenant, :id, :user, :hash, :now, :expires, :first)
                        """)
                .param("tenant", tenant.value()).param("id", UUID.randomUUID()).param("user", user)
                .param("first", firstMethod)
                .param("hash", tokenHash).param("now", Sessions.utc(now)).param("expires", Sessions.utc(expiresAt))
                .update();
    }

    Optional<Challenge> liveChallenge(byte[] tokenHash, Instant now) {
        return jdbc.sql("""
                        select tenant_id, id, user_id, email_code_hash, email_code_until, first_method
                        from mfa_challenges
                        where token_hash = :hash and used_at is null and expires_at > :now
                        """)
                .param("hash", tokenHash).param("now", Sessions.utc(now))
                .query((rs, n) -> new Challenge(rs.getObject("id", UUID.class),
                        new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getObject("user_id", UUID.class),
                        rs.getBytes("email_code_hash"),
                        Optional.ofNullable(rs.getObject("email_code_until", OffsetDateTime.class))
                                .map(OffsetDateTime::toInstant).orElse(null),
                        Optional.ofNullable(rs.getString("first_method")).orElse(PASSWORD)))
                .optional();
    }

    void setEmailCode(TenantId tenant, UUID challenge, byte[] codeHash, Instant until) {
        jdbc.sql("""
                        update mfa_challenges set email_code_hash = :hash, email_code_until = :until
                        where tenant_id = :tenant and id = :id
                        """)
                .param("hash", codeHash).param("until", Sessions.utc(until)).param("tenant", tenant.value())
                .param("id", challenge).update();
    }

    /** Ends a challenge; false when a parallel request ended it first (one use). */
    boolean useChallenge(TenantId tenant, UUID challenge, Instant now) {
        return jdbc.sql("""
                        update mfa_challenges set used_at = :now
                        where tenant_id = :tenant and id = :id and used_at is null
                        """)
                .param("now", Sessions.utc(now)).param("tenant", tenant.value()).param("id", challenge).update() == 1;
    }
}
