package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Who manages whom (seed 000 "Manager manages certain staff (approval chains)"): each user may have
 * one manager in the same tenant, never themselves and never in a cycle. Other features route work
 * through it (access reviews, elevation approvals) instead of reading the users table.
 */
@Component
public class Managers {

    /** One who reports to a manager. */
    public record Report(UUID id, String username, String firstName, String lastName, String status) {}

    /** The deepest chain walked when looking for a cycle; a real organisation is far shallower. */
    private static final int MAX_DEPTH = 64;

    private final JdbcClient jdbc;

    Managers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's manager, when they have one. */
    public Optional<UUID> of(TenantId tenant, UUID user) {
        return jdbc.sql("select manager_id from users where tenant_id = :tenant and id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> Optional.ofNullable(rs.getObject("manager_id", UUID.class)))
                .optional().flatMap(found -> found);
    }

    /** Those who report to {@code manager} directly, by username. */
    public List<Report> reports(TenantId tenant, UUID manager, int page, int size) {
        return jdbc.sql("""
                        select id, username, first_name, last_name, status from users
                        where tenant_id = :tenant and manager_id = :manager
                        order by username_normalized, id limit :size offset :offset
                        """)
                .param("tenant", tenant.value()).param("manager", manager).param("size", size)
                .param("offset", (long) page * size)
                .query((rs, n) -> new Report(rs.getObject("id", UUID.class), rs.getString("username"),
                        rs.getString("first_name"), rs.getString("last_name"), rs.getString("status")))
                .list();
    }

    public long countReports(TenantId tenant, UUID manager) {
        return jdbc.sql("select count(*) from users where tenant_id = :tenant and manager_id = :manager")
                .param("tenant", tenant.value()).param("manager", manager).query(Long.class).single();
    }

    boolean exists(TenantId tenant, UUID user) {
        return jdbc.sql("select exists (select 1 from users where tenant_id = :tenant and id = :user)")
                .param("tenant", tenant.value()).param("user", user).query(Boolean.class).single();
    }

    /**
     * Whether walking up from {@code from} through managers reaches {@code target}: then making
     * {@code from} the manager of {@code target} would close a cycle. Callers hold
     * {@link #serialiseChanges} so two changes cannot each close half of one.
     */
    boolean chainReaches(TenantId tenant, UUID from, UUID target) {
        return jdbc.sql("""
                        with recursive chain (id, depth) as (
                            select manager_id, 1 from users where tenant_id = :tenant and id = :from
                            union all
                            select u.manager_id, c.depth + 1 from chain c
                            join users u on u.tenant_id = :tenant and u.id = c.id
                            where c.depth < :depth)
                        select exists (select 1 from chain where id = :target or id = :from)
                        """)
                .param("tenant", tenant.value()).param("from", from).param("target", target)
                .param("depth", MAX_DEPTH).query(Boolean.class).single();
    }

    /** Serialises manager changes per tenant until the transaction ends (see {@link #chainReaches}). */
    void serialiseChanges(TenantId tenant) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", "gatehouse-managers:" + tenant).query().singleValue();
    }
}
