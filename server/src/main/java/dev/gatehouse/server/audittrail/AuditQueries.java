package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.TenantId;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the trail: a filtered page by sequence, newest first, and a filtered stream, oldest first.
 * Public only for its event records, which the console shows; {@link AuditTrail} is the way in.
 */
@Component
public class AuditQueries {

    /** One event as the API shows it. */
    public record Event(long seq, Instant at, String action, ActorView actor, @Nullable TargetView target, @Nullable String ip,
            @Nullable String userAgent, JsonNode details) {}

    public record ActorView(@Nullable String id, @Nullable String username, List<String> roles) {}

    public record TargetView(@Nullable String type, @Nullable String id, @Nullable String name) {}

    /** Rows fetched per round trip while exporting: the export's memory does not grow with the trail. */
    static final int EXPORT_FETCH_SIZE = 500;

    private static final String COLUMNS = """
            seq, at, action, actor_id, actor_username, actor_roles, target_type, target_id, target_name, ip,
            user_agent, details::text as details""";

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate streaming;
    private final TransactionTemplate readOnly;
    private final JsonMapper json = JsonMapper.builder().build();

    AuditQueries(JdbcClient jdbc, DataSource dataSource, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        JdbcTemplate template = new JdbcTemplate(dataSource);
        template.setFetchSize(EXPORT_FETCH_SIZE);
        this.streaming = new NamedParameterJdbcTemplate(template);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /**
     * @throws ApiException 400 naming {@code ip} unless the text is an address or a CIDR range
     */
    void requireInet(@Nullable String ip) {
        if (ip == null) {
            return;
        }
        try {
            jdbc.sql("select cast(:ip as inet)").param("ip", ip).query(String.class).single();
        } catch (DataAccessException notAnAddress) {
            throw ApiException.badRequest("ip", "an IP address or a CIDR range such as 10.0.0.0/8");
        }
    }

    /** Up to {@code size} events below {@code before} (all when null), newest first. */
    List<Event> page(TenantId tenant, AuditFilter filter, @Nullable Long before, int size) {
        MapSqlParameterSource params = new MapSqlParameterSource();
        StringBuilder where = where(tenant, filter, window(tenant, filter), params);
        if (before != null) {
            where.append(" and seq < :before");
            params.addValue("before", before);
        }
        params.addValue("limit", size);
        return jdbc.sql("select " + COLUMNS + " from audit_events where " + where + " order by seq desc limit :limit")
                .paramSource(params).query((rs, n) -> event(rs)).list();
    }

    /**
     * Hands every matching event below {@code below} to {@code sink}, oldest first. Runs in a
     * read-only transaction with a fetch size, so PostgreSQL answers through a cursor and rows are
     * never all in memory.
     */
    void stream(TenantId tenant, AuditFilter filter, long below, Consumer<Row> sink) {
        MapSqlParameterSource params = new MapSqlParameterSource();
        StringBuilder where = where(tenant, filter, window(tenant, filter), params).append(" and seq < :below");
        params.addValue("below", below);
        String sql = "select " + COLUMNS + chainColumns() + " from audit_events where " + where + " order by seq";
        readOnly.executeWithoutResult(status -> streaming.query(sql, params, rs -> {
            sink.accept(new Row(event(rs), chainValues(rs)));
        }));
    }

    /** An exported event and its hash-chain values (hex), in {@link #chainColumnNames()} order. */
    record Row(Event event, List<String> chain) {}

    /**
     * The hash-chain columns exported beside each event (migration V60), as hex, so that an auditor
     * can verify the chain offline: each hash is SHA-256 over the event's canonical form and the
     * previous hash (docs/audit.md).
     */
    static String chainColumns() {
        return ", encode(prev_hash, 'hex') as prev_hash_hex, encode(hash, 'hex') as hash_hex";
    }

    static List<String> chainColumnNames() {
        return List.of("prevHash", "hash");
    }

    private static List<String> chainValues(ResultSet rs) throws java.sql.SQLException {
        return java.util.Arrays.asList(rs.getString("prev_hash_hex"), rs.getString("hash_hex"));
    }

    /**
     * The range of sequence numbers holding every event of the filter's {@code from}/{@code to}
     * window; a bound is null when the window does not narrow it.
     */
    record Window(@Nullable Long lowest, @Nullable Long highest) {}

    /**
     * Finds the window's range of sequence numbers with one index probe per bound, so that a search
     * walks the primary key only inside the window, however far back it lies. Exact because events
     * are in time order from {@code ordered_from} on, each at or after every event before it (V95):
     * the first event at or after {@code from} in time order has the lowest sequence number of all
     * such events, and the last one before {@code to} the highest.
     */
    private Window window(TenantId tenant, AuditFilter filter) {
        if (filter.from() == null && filter.to() == null) {
            return new Window(null, null);
        }
        record Order(long orderedFrom, @Nullable OffsetDateTime unorderedUntil) {}
        Order order = jdbc.sql("select ordered_from, unordered_until from audit_sequences where tenant_id = :tenant")
                .param("tenant", tenant.value())
                .query((rs, n) -> new Order(rs.getLong("ordered_from"), rs.getObject("unordered_until", OffsetDateTime.class)))
                .optional().orElse(new Order(1, null));
        Long lowest = null;
        // Events before ordered_from may lie anywhere up to unordered_until: only a later from skips them all.
        if (filter.from() != null && (order.unorderedUntil() == null || filter.from().isAfter(order.unorderedUntil().toInstant()))) {
            lowest = jdbc.sql("""
                            select seq from audit_events where tenant_id = :tenant and at >= :from
                            order by at, seq limit 1""")
                    .param("tenant", tenant.value())
                    .param("from", OffsetDateTime.ofInstant(filter.from(), ZoneOffset.UTC))
                    .query(Long.class).optional().orElse(Long.MAX_VALUE);
        }
        Long highest = null;
        if (filter.to() != null) {
            long last = jdbc.sql("""
                            select seq from audit_events where tenant_id = :tenant and at < :to
                            order by at desc, seq desc limit 1""")
                    .param("tenant", tenant.value())
                    .param("to", OffsetDateTime.ofInstant(filter.to(), ZoneOffset.UTC))
                    .query(Long.class).optional().orElse(0L);
            // The last event before "to" in time order is from the unordered history only when no
            // later event is before "to"; every event of that history is then a candidate.
            highest = last >= order.orderedFrom() ? last : order.orderedFrom() - 1;
        }
        return new Window(lowest, highest);
    }

    private static StringBuilder where(TenantId tenant, AuditFilter filter, Window window,
            MapSqlParameterSource params) {
        StringBuilder where = new StringBuilder("tenant_id = :tenant");
        params.addValue("tenant", tenant.value());
        if (window.lowest() != null) {
            where.append(" and seq >= :lowest");
            params.addValue("lowest", window.lowest());
        }
        if (window.highest() != null) {
            where.append(" and seq <= :highest");
            params.addValue("highest", window.highest());
        }
        if (filter.actorId() != null) {
            where.append(" and actor_id = :actorId");
            params.addValue("actorId", filter.actorId());
        }
        if (filter.actorName() != null) {
            where.append(" and lower(actor_username) = lower(:actorName)");
            params.addValue("actorName", filter.actorName());
        }
        if (!filter.actions().isEmpty()) {
            where.append(" and action = any(:actions)");
            params.addValue("actions", filter.actions().toArray(String[]::new));
        }
        if (filter.targetId() != null) {
            where.append(" and target_id = :targetId");
            params.addValue("targetId", filter.targetId());
        }
        if (filter.targetType() != null) {
            where.append(" and target_type = :targetType");
            params.addValue("targetType", filter.targetType());
        }
        if (filter.resourceId() != null) {
            // Data-access events are the ones an application recorded (AuditEvents): they carry recordedBy.
            where.append(" and target_id = :resourceId and target_type = :resourceType and details -> 'recordedBy' is not null");
            params.addValue("resourceId", filter.resourceId());
            params.addValue("resourceType", filter.resourceType());
        }
        if (filter.ip() != null) {
            where.append(" and audit_inet(ip) <<= cast(:ip as inet)");
            params.addValue("ip", filter.ip());
        }
        if (filter.role() != null) {
            where.append(" and actor_roles @> cast(:roles as text[])");
            params.addValue("roles", new String[] {filter.role()});
        }
        if (filter.from() != null) {
            where.append(" and at >= :from");
            params.addValue("from", OffsetDateTime.ofInstant(filter.from(), ZoneOffset.UTC));
        }
        if (filter.to() != null) {
            where.append(" and at < :to");
            params.addValue("to", OffsetDateTime.ofInstant(filter.to(), ZoneOffset.UTC));
        }
        return where;
    }

    private Event event(ResultSet rs) throws SQLException {
        UUID actorId = rs.getObject("actor_id", UUID.class);
        String targetType = rs.getString("target_type");
        String targetId = rs.getString("target_id");
        String targetName = rs.getString("target_name");
        TargetView target = targetType == null && targetId == null && targetName == null ? null
                : new TargetView(targetType, targetId, targetName);
        return new Event(rs.getLong("seq"), rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("action"),
                new ActorView(actorId == null ? null : actorId.toString(), rs.getString("actor_username"),
                        roles(rs.getArray("actor_roles"))),
                target, rs.getString("ip"), rs.getString("user_agent"), json.readTree(rs.getString("details")));
    }

    private static List<String> roles(@Nullable Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        List<String> roles = new ArrayList<>();
        for (Object role : (Object[]) array.getArray()) {
            roles.add((String) role);
        }
        return roles;
    }

}
