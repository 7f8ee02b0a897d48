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
                .param("channel", channel).param("payload", AccessChange.payloadBefore(kind, tenant, user, false))
                .query((rs, n) -> rs.getLong("version")).single();
    }

    /**
     * {@link #appendAndNotify} as a part of another feature's statement (issue 17: a user's creation writes
     * the user and announces it in one round trip): the log's insert, once for each row of {@code source} (a
     * name the caller's statement defines: none when the change it belongs to wrote nothing), sending the
     * NOTIFY from its {@code returning}, which PostgreSQL computes for every row it inserts whether or not
     * the statement reads it. Its parameters are named {@code change…} ({@link AccessChanges.Creation#bind}).
     */
    static String appendFrom(String source) {
        return """
                insert into access_change_log (tenant_id, kind, user_id)
                select :changeTenant, :changeKind, :changeUser from %s
                returning version, pg_notify(:changeChannel, :changePayload || version)""".formatted(source);
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

    /** Rows one statement of a prune deletes at most: short transactions, however far behind the prune is. */
    static final int PRUNE_BATCH = 10_000;

    /**
     * A tenant keeps its newest this many rows however recent the older ones are (issue 17: at a million users
     * a day of changes was 473 MB). A client asking from before them would be sent more than {@link #MAX_REPLAY}
     * — a reset — whether or not the older rows were still here, so none is ever replayed.
     */
    static final int KEPT_PER_TENANT = MAX_REPLAY + 1;

    /**
     * Removes what was recorded longer than {@code retention} ago, but each tenant's newest row, and
     * remembers the highest version removed; then each tenant's rows beyond its newest
     * {@link #KEPT_PER_TENANT}. Each statement deletes at most {@link #PRUNE_BATCH} rows and commits on its
     * own, so writers are never held behind one long delete. Answers how many rows went.
     */
    int prune(Duration retention) {
        int removed = 0;
        int batch;
        do {
            batch = pruneOlderThan(retention);
            removed += batch;
        } while (batch == PRUNE_BATCH);
        for (Beyond tenant : tenantsBeyondTheirKeep()) {
            do {
                batch = jdbc.sql("""
                                delete from access_change_log
                                where version in (select version from access_change_log
                                                  where tenant_id = :tenant and version <= :beyond
                                                  order by version limit :batch)
                                """)
                        .param("tenant", tenant.id()).param("beyond", tenant.version()).param("batch", PRUNE_BATCH)
                        .update();
                removed += batch;
            } while (batch == PRUNE_BATCH);
        }
        return removed;
    }

    /**
     * One batch of the window's prune, with the highest version removed raised in the same statement: a
     * client asking from below it may have missed one of them and is told to reset.
     */
    private int pruneOlderThan(Duration retention) {
        return jdbc.sql("""
                        with gone as (
                            delete from access_change_log
                            where version in (
                                select old.version from access_change_log old
                                where old.recorded_at < clock_timestamp() - make_interval(secs => :seconds)
                                  and old.version < (select max(newer.version) from access_change_log newer
                                                     where newer.tenant_id = old.tenant_id)
                                order by old.recorded_at
                                limit :batch)
                            returning version),
                        raised as (
                            update access_change_log_pruned
                            set through = greatest(through, (select coalesce(max(version), 0) from gone)))
                        select count(*) from gone
                        """)
                .param("seconds", retention.toMillis() / 1000.0).param("batch", PRUNE_BATCH)
                .query(Integer.class).single();
    }

    /** A tenant whose rows at and below {@code version} are beyond its newest {@link #KEPT_PER_TENANT}. */
    private record Beyond(UUID id, long version) {}

    /**
     * The tenants holding more than {@link #KEPT_PER_TENANT} rows, found by skipping through the tenant index
     * from one tenant to the next (one probe per tenant in the log, not a read of every row). The cut is not
     * remembered as pruned: the rows kept above it already tell a client from below it to reset.
     */
    private List<Beyond> tenantsBeyondTheirKeep() {
        return jdbc.sql("""
                        with recursive logged (tenant) as (
                            (select tenant_id from access_change_log order by tenant_id limit 1)
                            union all
                            select (select next.tenant_id from access_change_log next
                                    where next.tenant_id > logged.tenant order by next.tenant_id limit 1)
                            from logged where logged.tenant is not null)
                        select tenant, beyond from (
                            select logged.tenant, (select l.version from access_change_log l where l.tenant_id = logged.tenant
                                                   order by l.version desc offset :kept limit 1) as beyond
                            from logged where logged.tenant is not null) as cut
                        where beyond is not null
                        """)
                .param("kept", KEPT_PER_TENANT)
                .query((rs, n) -> new Beyond(rs.getObject("tenant", UUID.class), rs.getLong("beyond"))).list();
    }
}
