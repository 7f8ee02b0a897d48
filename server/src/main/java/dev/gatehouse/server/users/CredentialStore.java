package dev.gatehouse.server.users;

import dev.gatehouse.server.authentication.Credentials;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The credential columns of the users table, as authentication asks for them ({@link Credentials}). */
@Repository
class CredentialStore implements Credentials {

    private static final String COLUMNS = """
            u.tenant_id, u.id, u.username, u.kind, u.status, u.password_hash, u.required_actions, u.locked_until, u.email,
            u.expires_at
            """;
    private static final String SELECT = "select " + COLUMNS + " from users u\n";

    private final JdbcClient jdbc;

    CredentialStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<LockedAccount> lockByUsername(TenantId tenant, String usernameNormalized) {
        return jdbc.sql("select u.failed_logins, " + COLUMNS + " from users u" + BY_USERNAME + " for update")
                .param("tenant", tenant.value()).param("username", usernameNormalized)
                .query((rs, n) -> locked(rs))
                .optional();
    }

    @Override
    public <T> Optional<LockedWith<T>> lockByUsernameAtOnce(TenantId tenant, String usernameNormalized,
            Along<T> along) {
        return jdbc.sql("select u.failed_logins, " + COLUMNS + ", " + along.columns() + " from users u" + BY_USERNAME
                        + " for update of u skip locked")
                .params(along.params())
                .param("tenant", tenant.value()).param("username", usernameNormalized)
                .query((rs, n) -> new LockedWith<>(locked(rs), along.read().mapRow(rs, n)))
                .optional();
    }

    private static final String BY_USERNAME = " where u.tenant_id = :tenant and u.username_normalized = :username";

    private static LockedAccount locked(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new LockedAccount(account(rs), new Lockout(rs.getInt("failed_logins"),
                rs.getObject("locked_until", OffsetDateTime.class)));
    }

    @Override
    public Optional<Account> byId(TenantId tenant, UUID user) {
        return jdbc.sql(SELECT + " where u.tenant_id = :tenant and u.id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> account(rs)).optional();
    }

    @Override
    public Optional<Facts> facts(TenantId tenant, UUID user) {
        return jdbc.sql("""
                        select username, email, password_hash, first_name, last_name from users
                        where tenant_id = :tenant and id = :user
                        """)
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> new Facts(rs.getString("username"), rs.getString("email"),
                        rs.getString("password_hash"), rs.getString("first_name"), rs.getString("last_name")))
                .optional();
    }

    @Override
    public void changePassword(TenantId tenant, UUID user, String hash, List<String> requiredActions) {
        jdbc.sql("""
                        update users set password_hash = :hash, required_actions = :actions, updated_at = now()
                        where tenant_id = :tenant and id = :user
                        """)
                .param("hash", hash).param("actions", requiredActions.toArray(String[]::new))
                .param("tenant", tenant.value()).param("user", user).update();
    }

    @Override
    public void passwordChanged(TenantId tenant, UUID user, Instant now) {
        jdbc.sql("update users set password_changed_at = :now where tenant_id = :tenant and id = :user")
                .param("now", now.atOffset(ZoneOffset.UTC)).param("tenant", tenant.value()).param("user", user)
                .update();
    }

    @Override
    public Optional<Instant> passwordChangedAt(TenantId tenant, UUID user) {
        return jdbc.sql("""
                        select u.password_changed_at from users u
                        where u.tenant_id = :tenant and u.id = :user and u.password_hash is not null
                        """)
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> rs.getObject("password_changed_at", OffsetDateTime.class).toInstant())
                .optional();
    }

    @Override
    public Lockout lockForSignIn(TenantId tenant, UUID user) {
        return jdbc.sql("select failed_logins, locked_until from users where tenant_id = :tenant and id = :user for update")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> new Lockout(rs.getInt("failed_logins"),
                        rs.getObject("locked_until", OffsetDateTime.class)))
                .single();
    }

    @Override
    public String lockForSessions(TenantId tenant, UUID user) {
        return jdbc.sql("select username from users where tenant_id = :tenant and id = :user for update")
                .param("tenant", tenant.value()).param("user", user).query(String.class).single();
    }

    @Override
    public void recordFailure(TenantId tenant, UUID user, int failedLogins, @Nullable OffsetDateTime lockedUntil) {
        jdbc.sql("""
                        update users set failed_logins = :failed, locked_until = coalesce(:until, locked_until)
                        where tenant_id = :tenant and id = :user
                        """)
                .param("failed", failedLogins).param("until", lockedUntil).param("tenant", tenant.value())
                .param("user", user).update();
    }

    @Override
    public void recordSuccess(TenantId tenant, UUID user) {
        jdbc.sql("""
                        update users set failed_logins = 0, locked_until = null
                        where tenant_id = :tenant and id = :user and (failed_logins <> 0 or locked_until is not null)
                        """)
                .param("tenant", tenant.value()).param("user", user).update();
    }

    @Override
    public String signedInPart() {
        return """
                signed_in as (
                    update users set last_sign_in_at = :now, failed_logins = 0, locked_until = null
                    where tenant_id = :tenant and id = :user)
                """;
    }

    @Override
    public void setRequiredActions(TenantId tenant, UUID user, List<String> requiredActions) {
        jdbc.sql("""
                        update users set required_actions = :actions, updated_at = now()
                        where tenant_id = :tenant and id = :user
                        """)
                .param("actions", requiredActions.toArray(String[]::new)).param("tenant", tenant.value())
                .param("user", user).update();
    }

    @Override
    public void requireAction(TenantId tenant, UUID user, String action) {
        jdbc.sql("""
                        update users set required_actions = array_append(required_actions, cast(:action as text))
                        where tenant_id = :tenant and id = :user and not (cast(:action as text) = any (required_actions))
                        """)
                .param("action", action).param("tenant", tenant.value()).param("user", user).update();
    }

    private static Account account(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Account(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getObject("id", UUID.class),
                rs.getString("username"), rs.getString("kind"), rs.getString("status"), rs.getString("password_hash"),
                Arrays.asList((String[]) rs.getArray("required_actions").getArray()),
                rs.getObject("locked_until", OffsetDateTime.class), rs.getString("email"),
                Optional.ofNullable(rs.getObject("expires_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant)
                        .orElse(null));
    }
}
