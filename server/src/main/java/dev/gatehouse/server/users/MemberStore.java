package dev.gatehouse.server.users;

import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.shared.TenantId;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The users table as access asks about it ({@link Members}). */
@Repository
class MemberStore implements Members {

    private final JdbcClient jdbc;

    MemberStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<State> state(TenantId tenant, UUID user) {
        return jdbc.sql("select status, locked_until, expires_at from users where tenant_id = :tenant and id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> {
                    OffsetDateTime locked = rs.getObject("locked_until", OffsetDateTime.class);
                    OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
                    return new State(rs.getString("status"), locked == null ? null : locked.toInstant(),
                            expires == null ? null : expires.toInstant());
                })
                .optional();
    }

    @Override
    public Optional<UUID> idOf(TenantId tenant, String usernameNormalized) {
        return jdbc.sql("select id from users where tenant_id = :tenant and username_normalized = :username")
                .param("tenant", tenant.value()).param("username", usernameNormalized)
                .query(UUID.class).optional();
    }

    @Override
    public List<Named> all(TenantId tenant) {
        return jdbc.sql("select id, username from users where tenant_id = :tenant order by username_normalized, id")
                .param("tenant", tenant.value())
                .query((rs, n) -> new Named(rs.getObject("id", UUID.class), rs.getString("username")))
                .list();
    }

    @Override
    public List<Named> named(TenantId tenant, Collection<UUID> users) {
        return jdbc.sql("""
                        select id, username from users where tenant_id = :tenant and id = any(:ids)
                        order by username_normalized, id
                        """)
                .param("tenant", tenant.value()).param("ids", users.toArray(UUID[]::new))
                .query((rs, n) -> new Named(rs.getObject("id", UUID.class), rs.getString("username")))
                .list();
    }

    @Override
    public Optional<String> username(TenantId tenant, UUID user) {
        return jdbc.sql("select username from users where tenant_id = :tenant and id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query(String.class).optional();
    }
}
