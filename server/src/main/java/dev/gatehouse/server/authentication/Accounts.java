package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The sign-in view of user accounts: credentials, state and required actions. */
@Repository
class Accounts {

    record Account(TenantId tenant, String tenantSlug, UUID id, String username, String status,
            String passwordHash, List<String> requiredActions, Optional<OffsetDateTime> lockedUntil,
            @Nullable String email) {}

    /** The failure counter and temporary lock of a user, read under a row lock. */
    record Lockout(int failedLogins, @Nullable OffsetDateTime lockedUntil) {}

    private final JdbcClient jdbc;

    Accounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private static final String SELECT = """
            select t.id as tenant_id, t.slug, u.id, u.username, u.status, u.password_hash, u.required_actions,
                   u.locked_until, u.email
            from users u join tenants t on t.id = u.tenant_id
            """;

    Optional<Account> forSignIn(String tenantSlug, String usernameNormalized) {
        return jdbc.sql(SELECT + " where t.slug = :slug and t.status = 'ACTIVE' and u.username_normalized = :username")
                .param("slug", tenantSlug).param("username", usernameNormalized)
                .query((rs, n) -> account(rs)).optional();
    }

    Optional<Account> byId(TenantId tenant, UUID user) {
        return jdbc.sql(SELECT + " where u.tenant_id = :tenant and u.id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> account(rs)).optional();
    }

    void changePassword(TenantId tenant, UUID user, String hash, List<String> requiredActions) {
        jdbc.sql("""
                        update users set password_hash = :hash, required_actions = :actions, updated_at = now()
                        where tenant_id = :tenant and id = :user
                        """)
                .param("hash", hash).param("actions", requiredActions.toArray(String[]::new))
                .param("tenant", tenant.value()).param("user", user).update();
    }

    /**
     * Locks the user's row until the transaction ends and reads the counter: sign-in attempts of
     * one user take turns, so parallel guesses cannot all be checked before the lock is written.
     */
    Lockout lockForSignIn(TenantId tenant, UUID user) {
        return jdbc.sql("select failed_logins, locked_until from users where tenant_id = :tenant and id = :user for update")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> new Lockout(rs.getInt("failed_logins"),
                        rs.getObject("locked_until", OffsetDateTime.class)))
                .single();
    }

    void recordFailure(TenantId tenant, UUID user, int failedLogins, @Nullable OffsetDateTime lockedUntil) {
        jdbc.sql("""
                        update users set failed_logins = :failed, locked_until = coalesce(:until, locked_until)
                        where tenant_id = :tenant and id = :user
                        """)
                .param("failed", failedLogins).param("until", lockedUntil).param("tenant", tenant.value())
                .param("user", user).update();
    }

    void recordSuccess(TenantId tenant, UUID user) {
        jdbc.sql("""
                        update users set failed_logins = 0, locked_until = null
                        where tenant_id = :tenant and id = :user and (failed_logins <> 0 or locked_until is not null)
                        """)
                .param("tenant", tenant.value()).param("user", user).update();
    }

    void setRequiredActions(TenantId tenant, UUID user, List<String> requiredActions) {
        jdbc.sql("""
                        update users set required_actions = :actions, updated_at = now()
                        where tenant_id = :tenant and id = :user
                        """)
                .param("actions", requiredActions.toArray(String[]::new)).param("tenant", tenant.value())
                .param("user", user).update();
    }

    private static Account account(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Account(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getString("slug"),
                rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("status"),
                rs.getString("password_hash"), Arrays.asList((String[]) rs.getArray("required_actions").getArray()),
                Optional.ofNullable(rs.getObject("locked_until", OffsetDateTime.class)), rs.getString("email"));
    }
}
