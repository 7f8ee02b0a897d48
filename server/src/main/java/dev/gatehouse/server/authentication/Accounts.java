package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The sign-in view of user accounts: credentials, state and required actions. */
@Repository
class Accounts {

    record Account(TenantId tenant, String tenantSlug, UUID id, String username, String status,
            String passwordHash, List<String> requiredActions, Optional<OffsetDateTime> lockedUntil,
            int sessionMaxHours, int minPasswordLength) {}

    private final JdbcClient jdbc;

    Accounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private static final String SELECT = """
            select t.id as tenant_id, t.slug, u.id, u.username, u.status, u.password_hash, u.required_actions,
                   u.locked_until,
                   coalesce((t.settings -> 'sessionPolicy' ->> 'maxHours')::int, 12) as max_hours,
                   coalesce((t.settings -> 'passwordPolicy' ->> 'minLength')::int, 15) as min_length
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

    private static Account account(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Account(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getString("slug"),
                rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("status"),
                rs.getString("password_hash"), Arrays.asList((String[]) rs.getArray("required_actions").getArray()),
                Optional.ofNullable(rs.getObject("locked_until", OffsetDateTime.class)), rs.getInt("max_hours"),
                rs.getInt("min_length"));
    }
}
