package dev.gatehouse.server.audit;

import dev.gatehouse.server.database.CopyRows;
import dev.gatehouse.server.shared.ChildActing;
import dev.gatehouse.server.shared.Impersonator;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends audit events. Called inside the transaction of the change it records, so a change
 * without its event (or an event without its change) cannot commit. Never pass secrets in
 * {@code details}: no passwords, tokens, codes or hashes; keys named like them are refused.
 *
 * <p>Each event joins its tenant's hash chain ({@link AuditChain}, docs/audit.md). The row lock on
 * {@code audit_sequences} serialises a tenant's appends and keeps the previous hash, so appending
 * never reads the events table, and the time of the last event: an event is never stamped before
 * it (within {@link #CLOCK_TOLERANCE}), so a tenant's events are in time order as well as in sequence
 * order and a search by time is a range of sequence numbers (V95).
 *
 * <p>Each append publishes an {@link AuditRecorded} in its transaction, for features that react to
 * events after they commit (alerts) without this package depending on them.
 */
@Component
public class AuditLog {

    /**
     * Who did it: their id, username and the roles they held at that moment; when they acted
     * through a platform operator's impersonation, that operator, whom {@link #recordAll} adds to the
     * details as {@code impersonatedBy}; and when they acted through a credential other than a
     * session of their own, which one ({@code apiKey}: its public prefix, {@code client}: the
     * application's client id), added to the details as {@code via}.
     */
    public record Actor(@Nullable UUID id, @Nullable String username, List<String> roles,
            @Nullable Impersonator impersonatedBy, Map<String, String> via) {
        public static final Actor SYSTEM = new Actor(null, "system", List.of());

        public Actor {
            roles = List.copyOf(roles);
            via = Map.copyOf(via);
        }

        public Actor(@Nullable UUID id, @Nullable String username, List<String> roles,
                @Nullable Impersonator impersonatedBy) {
            this(id, username, roles, impersonatedBy, Map.of());
        }

        public Actor(@Nullable UUID id, @Nullable String username, List<String> roles) {
            this(id, username, roles, null);
        }
    }

    /** What it was done to. */
    public record Target(String type, String id, @Nullable String name) {}

    /** Top-level details keys that would hold a secret (compared lower-case, also as a suffix: newPassword). */
    private static final List<String> SECRET_KEYS = List.of("password", "token", "secret", "code", "hash");

    /**
     * How far behind the tenant's last event a node's clock may be and still stamp its events with
     * that event's time, keeping the trail in time order; further behind, events keep their true time.
     */
    static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    /**
     * Up to this many events go in one statement with the chain head's move (issue 17: a creation's
     * three in one round trip); more (the bulk import's thousands) are streamed by {@code COPY}.
     */
    private static final int STORED_IN_ONE_STATEMENT = 16;

    private static final JsonMapper ROWS = JsonMapper.builder().build();
    private static final HexFormat HEX = HexFormat.of();

    /** The columns {@link #storeMany} copies, in the order of its rows. */
    private static final List<String> EVENT_COLUMNS = List.of("tenant_id", "seq", "at", "action", "actor_id",
            "actor_username", "actor_roles", "target_type", "target_id", "target_name", "ip", "user_agent", "details",
            "prev_hash", "hash");

    private final JdbcClient jdbc;
    private final CopyRows copy;
    private final Clock clock;
    private final ChainBackfill backfill;
    private final ApplicationEventPublisher events;

    AuditLog(JdbcClient jdbc, CopyRows copy, Clock clock, ChainBackfill backfill, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.copy = copy;
        this.clock = clock;
        this.backfill = backfill;
        this.events = events;
    }

    /** One event to append: what was done, by whom, to what, from where. */
    public record Entry(String action, Actor actor, @Nullable Target target, @Nullable String ip,
            @Nullable String userAgent, Map<String, ?> details) {}

    /**
     * Appends one event in the current transaction; returns its sequence number.
     *
     * @throws IllegalArgumentException when a details key is named like a secret (a programming error)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public long record(TenantId tenant, String action, Actor actor, @Nullable Target target,
            @Nullable String ip, @Nullable String userAgent, Map<String, ?> details) {
        return recordAll(tenant, List.of(new Entry(action, actor, target, ip, userAgent, details))).getFirst();
    }

    /**
     * Appends events in the current transaction, in order, under one lock of the chain head;
     * returns their sequence numbers, which are consecutive.
     *
     * @throws IllegalArgumentException when a details key is named like a secret (a programming error)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Long> recordAll(TenantId tenant, List<Entry> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        ChildActing acting = ChildActing.current();
        if (acting != null && acting.child().equals(tenant)) {
            return recordInChild(acting, entries);
        }
        return write(tenant, entries);
    }

    private List<Long> write(TenantId tenant, List<Entry> entries) {
        List<Map<String, ?>> details = new ArrayList<>(entries.size());
        List<String> canonicalDetails = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            Map<String, ?> withOperator = withImpersonator(entry.details(), entry.actor());
            refuseSecrets(withOperator);
            details.add(withOperator);
            canonicalDetails.add(AuditChain.canonicalDetails(withOperator));
        }
        record Head(long lastSeq, byte @Nullable [] lastHash, @Nullable Instant lastAt, @Nullable Instant unorderedUntil) {}
        Head head = jdbc.sql("""
                        insert into audit_sequences (tenant_id, last_seq) values (:tenant, :count)
                        on conflict (tenant_id) do update set last_seq = audit_sequences.last_seq + :count
                        returning last_seq, last_hash, last_at, unordered_until
                        """)
                .param("tenant", tenant.value())
                .param("count", entries.size())
                .query((rs, n) -> new Head(rs.getLong("last_seq"), rs.getBytes("last_hash"),
                        instant(rs.getObject("last_at", OffsetDateTime.class)),
                        instant(rs.getObject("unordered_until", OffsetDateTime.class))))
                .single();
        long firstSeq = head.lastSeq() - entries.size() + 1;
        byte[] previous = head.lastHash();
        if (previous == null) {
            // No hash yet: the tenant's first event, or events written before the chain existed.
            previous = firstSeq == 1 ? AuditChain.ZERO : backfill.chainUpTo(tenant, firstSeq - 1);
        }
        Instant at = AuditChain.truncate(clock.instant());
        Instant floor = latest(head.lastAt(), head.unorderedUntil());
        if (floor != null && at.isBefore(floor)) {
            if (!at.plus(CLOCK_TOLERANCE).isBefore(floor)) {
                // A node a little behind the last event: stamped with its time, in time order (V95).
                at = floor;
            } else {
                // Far behind: the true time, and these events leave the part of the trail in time order.
                if (head.unorderedUntil() == null || floor.isAfter(head.unorderedUntil())) {
                    log.warn("Audit events of tenant {} are stamped {} before the last one: a clock is wrong; "
                            + "searches by time stay exact but slower until it has caught up", tenant,
                            Duration.between(at, floor));
                }
                jdbc.sql("update audit_sequences set ordered_from = :next, unordered_until = :until where tenant_id = :tenant")
                        .param("next", head.lastSeq() + 1)
                        .param("until", OffsetDateTime.ofInstant(floor, ZoneOffset.UTC))
                        .param("tenant", tenant.value())
                        .update();
            }
        }
        List<Long> seqs = new ArrayList<>(entries.size());
        List<AuditChain.Content> contents = new ArrayList<>(entries.size());
        List<byte[]> hashes = new ArrayList<>(entries.size() + 1);
        hashes.add(previous);
        List<AuditRecorded> recorded = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            AuditChain.Content content = content(tenant, firstSeq + i, at, entry, canonicalDetails.get(i));
            previous = AuditChain.hash(content, previous);
            contents.add(content);
            hashes.add(previous);
            seqs.add(content.seq());
            recorded.add(new AuditRecorded(tenant, content.seq(), at, content.action(),
                    new Actor(content.actorId(), content.actorUsername(), content.actorRoles()),
                    content.targetType() == null || content.targetId() == null ? null
                            : new Target(content.targetType(), content.targetId(), content.targetName()),
                    content.ip(), details.get(i)));
        }
        if (contents.size() <= STORED_IN_ONE_STATEMENT) {
            storeFew(tenant, contents, hashes, at);
        } else {
            storeMany(tenant, contents, hashes, at);
        }
        recorded.forEach(events::publishEvent);
        return seqs;
    }

    /**
     * A few events (a change and its consequences, as a user's creation with its role and invitation):
     * one round trip stores them and moves the chain head. {@code hashes} as in {@link #storeMany}.
     */
    private void storeFew(TenantId tenant, List<AuditChain.Content> contents, List<byte[]> hashes, Instant at) {
        StringBuilder rows = new StringBuilder("[");
        for (int i = 0; i < contents.size(); i++) {
            if (i > 0) {
                rows.append(',');
            }
            row(rows, contents.get(i), hashes.get(i), hashes.get(i + 1));
        }
        jdbc.sql("""
                        with stored as (
                            insert into audit_events (tenant_id, seq, at, action, actor_id, actor_username, actor_roles,
                                target_type, target_id, target_name, ip, user_agent, details, prev_hash, hash)
                            select :tenant, seq, at, action, actor_id, actor_username, actor_roles, target_type,
                                target_id, target_name, ip, user_agent, details, decode(prev_hash, 'hex'),
                                decode(hash, 'hex')
                            from jsonb_to_recordset(cast(:events as jsonb)) as event (seq bigint, at timestamptz,
                                action text, actor_id uuid, actor_username text, actor_roles text[], target_type text,
                                target_id text, target_name text, ip text, user_agent text, details jsonb,
                                prev_hash text, hash text))
                        update audit_sequences set last_hash = :hash, last_at = :at where tenant_id = :tenant
                        """)
                .param("tenant", tenant.value())
                .param("events", rows.append(']').toString())
                .param("hash", hashes.getLast())
                .param("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .update();
    }

    /**
     * A batch of events (the bulk import's, issue 17): one {@code COPY} stores them, with their
     * canonical details as the hash saw them, then the chain head moves to the last one.
     * {@code hashes} holds the hash before the first event, then each event's.
     */
    private void storeMany(TenantId tenant, List<AuditChain.Content> contents, List<byte[]> hashes, Instant at) {
        List<@Nullable Object[]> rows = new ArrayList<>(contents.size());
        for (int i = 0; i < contents.size(); i++) {
            AuditChain.Content content = contents.get(i);
            rows.add(new @Nullable Object[] {tenant.value(), content.seq(), AuditChain.format(content.at()),
                content.action(), content.actorId(), content.actorUsername(), content.actorRoles(),
                content.targetType(), content.targetId(), content.targetName(), content.ip(), content.userAgent(),
                content.details(), hashes.get(i), hashes.get(i + 1)});
        }
        copy.copy("audit_events", EVENT_COLUMNS, rows);
        jdbc.sql("update audit_sequences set last_hash = :hash, last_at = :at where tenant_id = :tenant")
                .param("hash", hashes.getLast())
                .param("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .param("tenant", tenant.value())
                .update();
    }

    private static @Nullable Instant instant(@Nullable OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static @Nullable Instant latest(@Nullable Instant a, @Nullable Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static AuditChain.Content content(TenantId tenant, long seq, Instant at, Entry entry, String details) {
        Actor actor = entry.actor();
        Target target = entry.target();
        return new AuditChain.Content(tenant.value(), seq, at, AuditChain.clean(entry.action()),
                actor.id(), AuditChain.clean(actor.username()), actor.roles().stream().map(AuditChain::clean).toList(),
                target == null ? null : AuditChain.clean(target.type()),
                target == null ? null : AuditChain.clean(target.id()),
                target == null ? null : AuditChain.clean(target.name()),
                AuditChain.clean(entry.ip()), AuditChain.clean(entry.userAgent()), details);
    }

    /**
     * One event as a JSON object for {@code jsonb_to_recordset}: its details are already canonical
     * JSON and go in as they are, as the hash saw them.
     */
    private static void row(StringBuilder out, AuditChain.Content content, byte[] previous, byte[] hash) {
        out.append("{\"seq\":").append(content.seq())
                .append(",\"at\":").append(quote(AuditChain.format(content.at())))
                .append(",\"action\":").append(quote(content.action()))
                .append(",\"actor_id\":").append(quote(content.actorId() == null ? null : content.actorId().toString()))
                .append(",\"actor_username\":").append(quote(content.actorUsername()))
                .append(",\"actor_roles\":").append(ROWS.writeValueAsString(content.actorRoles()))
                .append(",\"target_type\":").append(quote(content.targetType()))
                .append(",\"target_id\":").append(quote(content.targetId()))
                .append(",\"target_name\":").append(quote(content.targetName()))
                .append(",\"ip\":").append(quote(content.ip()))
                .append(",\"user_agent\":").append(quote(content.userAgent()))
                .append(",\"details\":").append(content.details())
                .append(",\"prev_hash\":\"").append(HEX.formatHex(previous))
                .append("\",\"hash\":\"").append(HEX.formatHex(hash)).append("\"}");
    }

    private static String quote(@Nullable String text) {
        return text == null ? "null" : ROWS.writeValueAsString(text);
    }

    /**
     * A parent tenant's user acting in a child (docs/organisations.md): their events in the child's
     * trail name the parent ({@code actingFrom}: "user X of parent P"), and each is written to the
     * parent's trail too, naming the child ({@code inTenant}), in the same transaction.
     */
    private List<Long> recordInChild(ChildActing acting, List<Entry> entries) {
        List<Entry> inChild = new ArrayList<>(entries.size());
        List<Entry> inHome = new ArrayList<>();
        for (Entry entry : entries) {
            if (!acting.user().equals(entry.actor().id())) {
                inChild.add(entry);
                continue;
            }
            Map<String, Object> child = new LinkedHashMap<>(entry.details());
            child.put("actingFrom", Map.of("tenant", acting.homeSlug(), "tenantId", acting.home().toString()));
            inChild.add(new Entry(entry.action(), entry.actor(), entry.target(), entry.ip(), entry.userAgent(), child));
            Map<String, Object> home = new LinkedHashMap<>(entry.details());
            home.put("inTenant", Map.of("tenant", acting.childSlug(), "tenantId", acting.child().toString()));
            inHome.add(new Entry(entry.action(), entry.actor(), entry.target(), entry.ip(), entry.userAgent(), home));
        }
        List<Long> seqs = write(acting.child(), inChild);
        if (!inHome.isEmpty()) {
            write(acting.home(), inHome);
        }
        return seqs;
    }

    /**
     * Every event written through an impersonated session names the operator behind it, and every
     * event written through an API key or an application's access token names that credential, in
     * one place.
     */
    private static Map<String, ?> withImpersonator(Map<String, ?> details, Actor actor) {
        Impersonator operator = actor.impersonatedBy();
        if (operator == null && actor.via().isEmpty()) {
            return details;
        }
        Map<String, Object> merged = new LinkedHashMap<>(details);
        if (operator != null) {
            merged.put("impersonatedBy", Map.of("id", operator.id().toString(), "username", operator.username()));
        }
        if (!actor.via().isEmpty()) {
            merged.put("via", actor.via());
        }
        return merged;
    }

    private static void refuseSecrets(Map<String, ?> details) {
        details.forEach((key, value) -> {
            if (looksSecret(key, value)) {
                throw new IllegalArgumentException("audit details must not carry secrets: key " + key);
            }
        });
    }

    /**
     * Whether a top-level details entry would put a secret in the trail: its name ends in one of
     * {@link #SECRET_KEYS}. A flag such as {@code temporaryPassword: true} says nothing secret; any
     * other value would. Callers taking details from outside (applications' events) ask first, to
     * refuse the field as bad input rather than fail here.
     */
    public static boolean looksSecret(String key, @Nullable Object value) {
        String name = key.toLowerCase(Locale.ROOT);
        return SECRET_KEYS.stream().anyMatch(name::endsWith) && !(value instanceof Boolean);
    }
}
