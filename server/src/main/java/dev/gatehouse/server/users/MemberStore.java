package dev.gatehouse.server.users;

import dev.gatehouse.server.access.HeldRoles;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The users table as access asks about it ({@link Members}). */
@Repository
class MemberStore implements Members {

    private final JdbcClient jdbc;

    MemberStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
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

    /**
     * Planned for the values (issue 17, docs/benchmarks.md "Branch whocan17b"): for the same statement the
     * planner walks the users in name order where many hold a candidate role, and reads the few holders first
     * where few do, but a generic plan, which PgJDBC's prepared statements come to, walked every user (1.4 s at
     * 200,000 users for a role 20 hold, 0.2 ms planned for it). Whether each is certain is asked after the limit,
     * of the rows returned only: asked in the walk, the planner hashed every assignment of the tenant for it.
     */
    @Override
    @Transactional(readOnly = true)
    public List<Holding> holding(TenantId tenant, HeldRoles candidates, HeldRoles certain, Instant at, Span span,
            Listed listed, int limit) {
        UserStore.planForTheValues(jdbc);
        String walk = "select u.tenant_id, u.id, u.username, u.username_normalized\n"
                + "from users u where u.tenant_id = :tenant and " + ACTIVE_AT + "\n"
                + "  and " + candidates.condition("u", "candidate", "at") + "\n"
                + (listed == Listed.UNCERTAIN ? "  and not " + certain.condition("u", "certain", "at") + "\n" : "")
                + within(span) + ordered(span) + " limit :limit";
        String sql = "select w.id, w.username, w.username_normalized, "
                + (listed == Listed.UNCERTAIN ? "false" : certain.condition("w", "certain", "at")) + " as certain\n"
                + "from (" + walk + ") as w\norder by w.username_normalized" + (span.descending() ? " desc" : "");
        var statement = bounded(jdbc.sql(sql), span).param("tenant", tenant.value())
                .param("at", at.atOffset(ZoneOffset.UTC)).params(candidates.parameters("candidate"))
                .params(certain.parameters("certain")).param("limit", limit);
        return statement.query((rs, n) -> new Holding(rs.getObject("id", UUID.class), rs.getString("username"),
                rs.getString("username_normalized"), rs.getBoolean("certain"))).list();
    }

    @Override
    @Transactional(readOnly = true)
    public List<String> placesHolding(TenantId tenant, HeldRoles held, Instant at, Span span, List<String> also,
            long skip, int limit) {
        UserStore.planForTheValues(jdbc);
        String holders = "select u.username_normalized as place from users u where u.tenant_id = :tenant and "
                + ACTIVE_AT + "\n  and " + held.condition("u", "held", "at") + "\n" + within(span) + ordered(span);
        // The places given join the holders' first skip + limit (all that can come before the cut), ordered with them.
        String sql = also.isEmpty() ? holders + " offset :skip limit :limit"
                : "(" + holders + " limit :reach)\nunion all select place from unnest(cast(:also as text[])) as place\n"
                        + "order by 1" + (span.descending() ? " desc" : "") + " offset :skip limit :limit";
        var statement = bounded(jdbc.sql(sql), span)
                .param("tenant", tenant.value()).param("at", at.atOffset(ZoneOffset.UTC))
                .params(held.parameters("held")).param("skip", skip).param("limit", limit);
        if (!also.isEmpty()) {
            statement = statement.param("also", also.toArray(String[]::new)).param("reach", skip + limit);
        }
        return statement.query(String.class).list();
    }

    @Override
    @Transactional(readOnly = true)
    public List<UUID> uncertainHolding(TenantId tenant, HeldRoles candidates, HeldRoles certain, Instant at,
            @Nullable String after) {
        UserStore.planForTheValues(jdbc);
        String sql = "select u.id from users u where u.tenant_id = :tenant and " + ACTIVE_AT + "\n"
                + "  and " + candidates.condition("u", "candidate", "at") + "\n"
                + "  and not " + certain.condition("u", "certain", "at") + "\n"
                + within(Span.after(after));
        return bounded(jdbc.sql(sql), Span.after(after)).param("tenant", tenant.value())
                .param("at", at.atOffset(ZoneOffset.UTC)).params(candidates.parameters("candidate"))
                .params(certain.parameters("certain")).query(UUID.class).list();
    }

    @Override
    @Transactional(readOnly = true)
    public long countHolding(TenantId tenant, HeldRoles held, Instant at, Span span, long cap) {
        UserStore.planForTheValues(jdbc);
        String sql = "select count(*) from (select 1 from users u where u.tenant_id = :tenant and " + ACTIVE_AT + "\n"
                + "  and " + held.condition("u", "held", "at") + "\n"
                + within(span) + "limit :cap) as counted";
        return bounded(jdbc.sql(sql), span).param("tenant", tenant.value()).param("at", at.atOffset(ZoneOffset.UTC))
                .params(held.parameters("held")).param("cap", cap).query(Long.class).single();
    }

    /** The conditions keeping a statement over {@code u} within {@code span}'s bounds ({@link #bounded}). */
    private static String within(Span span) {
        return (span.after() == null ? "" : "  and u.username_normalized > :after\n")
                + (span.before() == null ? "" : "  and u.username_normalized < :before\n");
    }

    /** {@code span}'s order: the normalised username, unique in a tenant, so nothing else is needed to break ties. */
    private static String ordered(Span span) {
        return "order by u.username_normalized" + (span.descending() ? " desc" : "");
    }

    /** {@code statement} given the bounds {@link #within} names. */
    private static JdbcClient.StatementSpec bounded(JdbcClient.StatementSpec statement, Span span) {
        if (span.after() != null) {
            statement = statement.param("after", span.after());
        }
        if (span.before() != null) {
            statement = statement.param("before", span.before());
        }
        return statement;
    }

    @Override
    public Optional<String> username(TenantId tenant, UUID user) {
        return jdbc.sql("select username from users where tenant_id = :tenant and id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query(String.class).optional();
    }
}
