package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.database.StreamBudget;
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
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
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

    /** An IP range holding at most this many events is searched from the address index. */
    static final int FEW = 10_000;

    /** The most steps of a {@link #leapfrog} walk before the planner takes over. */
    static final int STEPS = 1_000;

    /**
     * The stored address is the filter's address or inside its range. The bounds are what
     * PostgreSQL derives from {@code <<=} itself for a literal; spelt out, they keep the address
     * index usable when the statement is prepared once and planned for any parameter.
     */
    private static final String IN_RANGE = """
            audit_inet(ip) >= network(cast(:ip as inet))
            and audit_inet(ip) <= set_masklen(broadcast(cast(:ip as inet)), case family(cast(:ip as inet)) when 4 then 32 else 128 end)
            and audit_inet(ip) <<= cast(:ip as inet)""";

    private static final String COLUMNS = """
            seq, at, action, actor_id, actor_username, actor_roles, target_type, target_id, target_name, ip,
            user_agent, details::text as details""";

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate streaming;
    private final TransactionTemplate readOnly;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * Streams read from the {@link StreamBudget}'s own pool, in a transaction of that pool, so a slow
     * download holds none of the connections that answer sign-in and checks.
     */
    AuditQueries(JdbcClient jdbc, StreamBudget streams) {
        this.jdbc = jdbc;
        DataSource dataSource = streams.dataSource();
        JdbcTemplate template = new JdbcTemplate(dataSource);
        template.setFetchSize(EXPORT_FETCH_SIZE);
        this.streaming = new NamedParameterJdbcTemplate(template);
        this.readOnly = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
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

    /**
     * Up to {@code size} events below {@code before} (all when null), newest first.
     *
     * <p>PostgreSQL plans a filtered "newest first" page as if matches were spread evenly over the
     * trail. They rarely are: an application that records 100,000 data-access events in an hour
     * puts 100,000 non-matches in front of a search by role, and the planner's walk of the trail
     * crosses them all. So the page is found in the order that does not depend on the spread:
     * <ol>
     * <li>an IP range with few events ({@link #FEW}) takes them from the address index, newest
     *     first, and checks the other filters on each;
     * <li>otherwise the filters that have an index in sequence order (actor, action, target,
     *     resource, exact IP, role) are walked together, newest first, each jumping to the next
     *     sequence number the others allow ({@link #leapfrog});
     * <li>what is left, when neither applies or the walk has taken {@link #STEPS} steps, is the
     *     planner's to answer.
     * </ol>
     */
    List<Event> page(TenantId tenant, AuditFilter filter, @Nullable Long before, int size) {
        Window window = window(tenant, filter);
        long lowest = window.lowest() == null ? 0 : window.lowest();
        long upper = Math.min(window.highest() == null ? Long.MAX_VALUE : window.highest(),
                before == null ? Long.MAX_VALUE : before - 1);
        MapSqlParameterSource params = new MapSqlParameterSource();
        String where = where(tenant, filter, new Window(lowest, upper), params).toString();
        params.addValue("size", size);
        if (filter.ip() != null && !isAddress(filter.ip()) && fewInRange(params)) {
            // Sorted before the join, so the join stops at the page's last event; the range is
            // already checked on the candidates, so not a second time (audit_inet is not cheap).
            String others = where(tenant, filter.withoutIp(), new Window(lowest, upper), params).toString();
            return jdbc.sql("""
                    select e.* from (select seq from audit_events
                                     where tenant_id = :tenant and %s and seq >= :lowest and seq <= :highest
                                     order by seq desc) candidate
                    cross join lateral (select %s from audit_events where %s and seq = candidate.seq offset 0) e
                    order by candidate.seq desc limit :size""".formatted(IN_RANGE, COLUMNS, others))
                    .paramSource(params).query((rs, n) -> event(rs)).list();
        }
        List<String> probes = probes(filter, params);
        List<Event> found = new ArrayList<>();
        if (!probes.isEmpty()) {
            Walk walk = leapfrog(probes, where, params, size, lowest);
            if (!walk.found().isEmpty()) {
                params.addValue("found", walk.found().toArray(Long[]::new));
                found.addAll(jdbc.sql("select " + COLUMNS + " from audit_events where tenant_id = :tenant and seq = any(:found)"
                        + " order by seq desc").paramSource(params).query((rs, n) -> event(rs)).list());
            }
            if (walk.resumeAt() == null || found.size() >= size) {
                return found;
            }
            params.addValue("highest", walk.resumeAt());
            params.addValue("size", size - found.size());
        }
        found.addAll(jdbc.sql("select " + COLUMNS + " from audit_events where " + where + " order by seq desc limit :size")
                .paramSource(params).query((rs, n) -> event(rs)).list());
        return found;
    }

    private static boolean isAddress(String ip) {
        return ip.indexOf('/') < 0;
    }

    private boolean fewInRange(MapSqlParameterSource params) {
        params.addValue("few", FEW + 1);
        long inRange = jdbc.sql("""
                select count(*) from (select 1 from audit_events
                                      where tenant_id = :tenant and %s and seq >= :lowest and seq <= :highest
                                      limit :few) range""".formatted(IN_RANGE))
                .paramSource(params).query(Long.class).single();
        return inRange <= FEW;
    }

    /**
     * For each filter with an index in sequence order, a query for its newest match at or below the
     * sequence number {@code %1$s}, not below {@code :lowest}: one descent of that index.
     */
    private static List<String> probes(AuditFilter filter, MapSqlParameterSource params) {
        List<String> probes = new ArrayList<>();
        String newest = " and seq >= :lowest and seq <= %1$s order by seq desc limit 1";
        if (filter.actorId() != null) {
            probes.add("select seq from audit_events where tenant_id = :tenant and actor_id = :actorId" + newest);
        }
        if (filter.actorName() != null) {
            probes.add("select seq from audit_events where tenant_id = :tenant and lower(actor_username) = lower(:actorName)"
                    + newest);
        }
        if (filter.actions().size() == 1) {
            probes.add("select seq from audit_events where tenant_id = :tenant and action = :action" + newest);
        } else if (!filter.actions().isEmpty()) {
            probes.add("""
                    select seq from (select max(newest.seq) as seq from unnest(cast(:actions as text[])) as one (action)
                                     cross join lateral (select seq from audit_events
                                                         where tenant_id = :tenant and action = one.action%s) newest) any_action
                    where seq is not null""".formatted(newest));
        }
        if (filter.targetId() != null || filter.resourceId() != null) {
            probes.add("select seq from audit_events where tenant_id = :tenant and target_id = "
                    + (filter.targetId() != null ? ":targetId" : ":resourceId") + newest);
        }
        if (filter.ip() != null && isAddress(filter.ip())) {
            probes.add("select seq from audit_events where tenant_id = :tenant and audit_inet(ip) = cast(:ip as inet)"
                    + newest);
        }
        if (filter.role() != null) {
            probes.add("select seq from audit_event_roles where tenant_id = :tenant and role = :role" + newest);
        }
        return probes;
    }

    /**
     * The matches a leapfrog walk found, newest first, and where the planner should go on when the
     * walk stopped at {@link #STEPS} before filling the page (null when the walk is complete).
     */
    private record Walk(List<Long> found, @Nullable Long resumeAt) {}

    /**
     * Walks the probes' indexes together from {@code :highest} down: each step asks the first
     * probe for its newest match at or below the bound, the next probe for its newest at or below
     * that, and so on; when the last answer equals the first, every indexed filter matches that
     * event, and the whole filter is checked on it (an IP range, a target type, the window). The
     * next step starts below it, or, when the probes disagreed, at the last answer, skipping every
     * sequence number one of them excludes. A combination of filters that each match many events
     * costs a step per match rather than a walk over every event.
     */
    private Walk leapfrog(List<String> probes, String where, MapSqlParameterSource params, int size, long lowest) {
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < probes.size(); i++) {
            String bound = i == 0 ? "walk.upper" : "p" + (i - 1) + ".seq";
            chain.append(" cross join lateral (").append(probes.get(i).formatted(bound)).append(") p").append(i);
        }
        String first = "p0.seq";
        String last = "p" + (probes.size() - 1) + ".seq";
        params.addValue("steps", STEPS);
        record Result(Long[] found, long steps, @Nullable Long upper) {}
        Result result = jdbc.sql("""
                with recursive walk (step, upper, candidate, hit, hits) as (
                    select 0, cast(:highest as bigint), cast(null as bigint), false, 0
                  union all
                    select walk.step + 1, case when %2$s = %3$s then %2$s - 1 else %3$s end, %2$s, checked.hit,
                           walk.hits + case when checked.hit then 1 else 0 end
                    from walk%1$s
                    cross join lateral (select %2$s = %3$s
                                               and exists (select 1 from audit_events where %4$s and seq = %2$s) as hit) checked
                    where walk.hits < :size and walk.step < :steps and walk.upper >= :lowest
                )
                select coalesce(array_agg(candidate order by candidate desc) filter (where hit), '{}') as found,
                       max(step) as steps, (array_agg(upper order by step desc))[1] as upper
                from walk""".formatted(chain, first, last, where))
                .paramSource(params)
                .query((rs, n) -> new Result((Long[]) rs.getArray("found").getArray(), rs.getLong("steps"),
                        rs.getObject("upper", Long.class)))
                .single();
        List<Long> found = List.of(result.found());
        boolean stoppedShort = result.steps() >= STEPS && found.size() < size && result.upper() != null
                && result.upper() >= lowest;
        return new Walk(found, stoppedShort ? result.upper() : null);
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

    /**
     * Compliance reports: every event up to {@code through} whose action is one of {@code actions}
     * or, with {@code applicationEvents}, that an application recorded (details carry
     * {@code recordedBy}), at or after {@code from} and before {@code to} (unbounded when null),
     * oldest first, through a cursor as {@link #stream} does.
     */
    void scan(TenantId tenant, List<String> actions, boolean applicationEvents, @Nullable Instant from,
            @Nullable Instant to, long through, Consumer<Event> sink) {
        AuditFilter window = new AuditFilter(null, null, List.of(), null, null, null, null, null, null, from, to);
        MapSqlParameterSource params = new MapSqlParameterSource();
        StringBuilder where = where(tenant, window, window(tenant, window), params).append(" and seq <= :through");
        params.addValue("through", through);
        params.addValue("actions", actions.toArray(String[]::new));
        where.append(applicationEvents ? " and (action = any(:actions) or details -> 'recordedBy' is not null)"
                : " and action = any(:actions)");
        String sql = "select " + COLUMNS + " from audit_events where " + where + " order by seq";
        readOnly.executeWithoutResult(status -> streaming.query(sql, params, rs -> {
            sink.accept(event(rs));
        }));
    }

    /** The last event of the tenant's trail: its sequence number and hash (hex; null before the chain). */
    record Head(long seq, @Nullable String hash) {}

    Head head(TenantId tenant) {
        return jdbc.sql("""
                        select seq, encode(hash, 'hex') as hash from audit_events where tenant_id = :tenant
                        order by seq desc limit 1""")
                .param("tenant", tenant.value())
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash")))
                .optional().orElse(new Head(0, null));
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
        if (filter.actions().size() == 1) {
            // "=" rather than "= any": PostgreSQL reads (tenant_id, action, seq) in sequence order only for "=".
            where.append(" and action = :action");
            params.addValue("action", filter.actions().getFirst());
        } else if (!filter.actions().isEmpty()) {
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
            where.append(" and ").append(IN_RANGE);
            params.addValue("ip", filter.ip());
        }
        if (filter.role() != null) {
            where.append(" and actor_roles @> cast(:roles as text[])");
            params.addValue("roles", new String[] {filter.role()});
            params.addValue("role", filter.role());
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
