package dev.gatehouse.server.users;

import dev.gatehouse.server.access.HeldRoles;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
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

    /** Mirrors the engine's {@code Subject.isActiveAt}: active, no lockout running at {@code :at}, account not ended. */
    private static final String ACTIVE_AT = """
            u.status = 'ACTIVE' and (u.locked_until is null or u.locked_until <= :at)
              and (u.expires_at is null or u.expires_at > :at)""";

    @Override
    public List<Holding> holding(TenantId tenant, HeldRoles candidates, HeldRoles certain, Instant at,
            @Nullable String after, int limit) {
        String isCertain = certain.condition("u", "certain", "at");
        String sql = "select u.id, u.username, u.username_normalized, " + isCertain + " as certain\n"
                + "from users u where u.tenant_id = :tenant and " + ACTIVE_AT + "\n"
                + "  and " + candidates.condition("u", "candidate", "at") + "\n"
                + (after == null ? "" : "  and u.username_normalized > :after\n")
                + "order by u.username_normalized, u.id limit :limit";
        var statement = jdbc.sql(sql).param("tenant", tenant.value()).param("at", at.atOffset(ZoneOffset.UTC))
                .params(candidates.parameters("candidate")).params(certain.parameters("certain"))
                .param("limit", limit);
        if (after != null) {
            statement = statement.param("after", after);
        }
        return statement.query((rs, n) -> new Holding(rs.getObject("id", UUID.class), rs.getString("username"),
                rs.getString("username_normalized"), rs.getBoolean("certain"))).list();
    }

    @Override
    public List<UUID> uncertainHolding(TenantId tenant, HeldRoles candidates, HeldRoles certain, Instant at,
            @Nullable String after) {
        String sql = "select u.id from users u where u.tenant_id = :tenant and " + ACTIVE_AT + "\n"
                + "  and " + candidates.condition("u", "candidate", "at") + "\n"
                + "  and not " + certain.condition("u", "certain", "at")
                + (after == null ? "" : "\n  and u.username_normalized > :after");
        var statement = jdbc.sql(sql).param("tenant", tenant.value()).param("at", at.atOffset(ZoneOffset.UTC))
                .params(candidates.parameters("candidate")).params(certain.parameters("certain"));
        if (after != null) {
            statement = statement.param("after", after);
        }
        return statement.query(UUID.class).list();
    }

    @Override
    public long countHolding(TenantId tenant, HeldRoles held, Instant at, @Nullable String after, long cap) {
        String sql = "select count(*) from (select 1 from users u where u.tenant_id = :tenant and " + ACTIVE_AT + "\n"
                + "  and " + held.condition("u", "held", "at") + "\n"
                + (after == null ? "" : "  and u.username_normalized > :after\n")
                + "limit :cap) as counted";
        var statement = jdbc.sql(sql).param("tenant", tenant.value()).param("at", at.atOffset(ZoneOffset.UTC))
                .params(held.parameters("held")).param("cap", cap);
        if (after != null) {
            statement = statement.param("after", after);
        }
        return statement.query(Long.class).single();
    }

    @Override
    public Optional<String> username(TenantId tenant, UUID user) {
        return jdbc.sql("select username from users where tenant_id = :tenant and id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query(String.class).optional();
    }
}
