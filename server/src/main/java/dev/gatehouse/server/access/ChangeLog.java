package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The change log (issue 14, docs/changes.md): one row per announced change, in the transaction of the
 * change, numbered by a global increasing version. The change stream replays a tenant's rows after the
 * version a client last saw, or tells it to reload when the rows it would need are gone.
 */
@Repository
class ChangeLog {

    /**
     * A transaction may take its version and commit after a later one did: a client that saw the later
     * one would skip it. A replay therefore also sends what was recorded this recently, whatever its
     * version (duplicates are harmless to a client that only drops caches).
     */
    static final Duration LATE_COMMITS = Duration.ofSeconds(5);

    /** A replay longer than this is answered with a reset: reloading is cheaper than the backlog. */
    static final int MAX_REPLAY = 10_000;

    /** What a client asking for the changes after a version gets. */
    sealed interface Replay {}

    /** The changes it missed, oldest first; {@code newest} is the tenant's newest version. */
    record Missed(long newest, List<AccessChange> changes) implements Replay {}

    /** It may have missed changes the log no longer holds (or asks from the future): reload at {@code newest}. */
    record Reset(long newest) implements Replay {}

    private final JdbcClient jdbc;

    ChangeLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records a change in the caller's transaction and sends its NOTIFY on {@code channel} (delivered
     * when the transaction commits), in one statement: issue 17, a round trip fewer for every change,
     * a user creation's among them. Answers its version.
     */
    long appendAndNotify(TenantId tenant, AccessChange.Kind kind, @Nullable UUID user, String channel) {
        return jdbc.sql("""
                        with appended as (
                            insert into access_change_log (tenant_id, kind, user_id) values (:tenant, :kind, :user)
                            returning version)
                        select version, pg_notify(:channel, :payload || version) from appended
                        """)
                .param("tenant", tenant.value()).param("kind", kind.name()).param("user", user)
                .param("channel", channel).param("payload", AccessChange.payloadBefore(kind, tenant, user))
                .query((rs, n) -> rs.getLong("version")).single();
    }

    /** {@link #appendAndNotify}'s row for each of {@code users}, in one statement; answers their versions in the same order. */
    List<Long> appendAll(TenantId tenant, AccessChange.Kind kind, List<UUID> users) {
        List<Map.Entry<UUID, Long>> rows = jdbc.sql("""
                        insert into access_change_log (tenant_id, kind, user_id)
                        select :tenant, :kind, u.id from unnest(cast(:users as uuid[])) as u (id)
                        returning version, user_id
                        """)
                .param("tenant", tenant.value()).param("kind", kind.name()).param("users", users.toArray(UUID[]::new))
                .query((rs, n) -> Map.entry(rs.getObject("user_id", UUID.class), rs.getLong("version")))
                .list();
        Map<UUID, Long> versions = new HashMap<>();
        rows.forEach(row -> versions.put(row.getKey(), row.getValue()));
        return users.stream().map(versions::get).toList();
    }

    /** The tenant's newest version, 0 when it has none: what a document and the stream's hello carry. */
    long newest(TenantId tenant) {
        return jdbc.sql("select coalesce(max(version), 0) from access_change_log where tenant_id = :tenant")
                .param("tenant", tenant.value()).query(Long.class).single();
    }

    /** The changes of the tenant after {@code since}, or a reset when the log cannot tell them all. */
    @Transactional(readOnly = true)
    Replay since(TenantId tenant, long since) {
        long newest = newest(tenant);
        long pruned = jdbc.sql("select through from access_change_log_pruned").query(Long.class).single();
        // Everything of the tenant above `since` is still here unless the prune removed versions above it.
        if (since > newest || (since < newest && since < pruned)) {
            return new Reset(newest);
        }
        List<AccessChange> changes = jdbc.sql("""
                        select version, kind, user_id from access_change_log
                        where tenant_id = :tenant
                          and (version > :since or recorded_at > clock_timestamp() - make_interval(secs => :late))
                        order by version
                        limit :limit
                        """)
                .param("tenant", tenant.value()).param("since", since).param("late", LATE_COMMITS.toSeconds())
                .param("limit", MAX_REPLAY + 1)
                .query((rs, n) -> new AccessChange(rs.getLong("version"), tenant,
                        AccessChange.Kind.valueOf(rs.getString("kind")), rs.getObject("user_id", UUID.class)))
                .list();
        return changes.size() > MAX_REPLAY ? new Reset(newest) : new Missed(newest, changes);
    }

    /**
     * Removes what was recorded longer than {@code retention} ago, but each tenant's newest row, and
     * remembers the highest version removed; answers how many rows went.
     */
    @Transactional
    int prune(Duration retention) {
        record Removed(int rows, long highest) {}
        Removed removed = jdbc.sql("""
                        with gone as (
                            delete from access_change_log old
                            where recorded_at < clock_timestamp() - make_interval(secs => :seconds)
                              and version < (select max(version) from access_change_log newer
                                             where newer.tenant_id = old.tenant_id)
                            returning version)
                        select count(*) as rows, coalesce(max(version), 0) as highest from gone
                        """)
                .param("seconds", retention.toMillis() / 1000.0)
                .query((rs, n) -> new Removed(rs.getInt("rows"), rs.getLong("highest"))).single();
        jdbc.sql("update access_change_log_pruned set through = greatest(through, :highest)")
                .param("highest", removed.highest()).update();
        return removed.rows();
    }
}
