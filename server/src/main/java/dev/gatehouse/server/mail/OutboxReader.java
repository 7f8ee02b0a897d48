package dev.gatehouse.server.mail;

import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads the outbox across tenants, for platform operators; tenants never reach it. */
@Component
public class OutboxReader {

    public static final List<String> STATUSES = List.of("PENDING", "SENT", "FAILED");

    /** One message without its body. {@code tenant} is the tenant's slug. */
    public record Entry(String id, String tenant, String recipient, String subject, String kind, String status,
            Instant createdAt, int attempts, @Nullable Instant nextAttemptAt, @Nullable Instant sentAt,
            @Nullable Instant failedAt, @Nullable String lastError) {}

    /**
     * One message with its body, or without it and {@code bodyNote} saying why (not shown, not kept once
     * sent, or not opening with this server's key).
     */
    public record Detail(String id, String tenant, String recipient, String subject, String kind, String status,
            Instant createdAt, int attempts, @Nullable Instant nextAttemptAt, @Nullable Instant sentAt,
            @Nullable Instant failedAt, @Nullable String lastError, @Nullable String body, @Nullable String bodyNote) {
        Detail withoutBody(@Nullable String note) {
            return new Detail(id, tenant, recipient, subject, kind, status, createdAt, attempts, nextAttemptAt, sentAt,
                    failedAt, lastError, null, note);
        }
    }

    static final String NOT_KEPT = "The message was sent: its text is not kept once the mail server took it.";
    static final String DOES_NOT_OPEN = "The message's text does not open with this server's key"
            + " (GATEHOUSE_SECRET_KEY): it was sealed under another key, or its row was altered.";

    private static final String COLUMNS = """
            select o.id, o.tenant_id, o.recipient, o.subject, o.kind, o.created_at, o.attempts, o.next_attempt_at,
                   o.sent_at, o.failed_at, o.last_error
            from mail_outbox o
            """;

    private static final String WITH_BODIES = """
            select o.id, o.tenant_id, o.recipient, o.subject, o.kind, o.created_at, o.attempts, o.next_attempt_at,
                   o.sent_at, o.failed_at, o.last_error, o.body_sealed, o.body
            from mail_outbox o
            """;

    /** Null filters do not filter. */
    private static final String WHERE = """
            where (cast(:tenant as uuid) is null or o.tenant_id = :tenant)
              and (cast(:status as text) is null
                   or (:status = 'SENT' and o.sent_at is not null)
                   or (:status = 'FAILED' and o.sent_at is null and o.failed_at is not null)
                   or (:status = 'PENDING' and o.sent_at is null and o.failed_at is null))
            """;

    private final JdbcClient jdbc;
    private final TenantDirectory tenants;
    private final MailBodies bodies;

    OutboxReader(JdbcClient jdbc, TenantDirectory tenants, MailBodies bodies) {
        this.jdbc = jdbc;
        this.tenants = tenants;
        this.bodies = bodies;
    }

    /** {@code tenant}, a slug or id, filters when given; an unknown one matches nothing. */
    List<Entry> page(@Nullable String tenant, @Nullable String status, int page, int size) {
        TenantFilter filter = filter(tenant);
        if (filter.matchesNothing()) {
            return List.of();
        }
        Map<TenantId, String> slugs = new HashMap<>();
        return jdbc.sql(COLUMNS + WHERE + " order by o.created_at desc, o.id limit :limit offset :offset")
                .param("tenant", filter.id()).param("status", status).param("limit", size)
                .param("offset", (long) page * size)
                .query((rs, n) -> detail(rs, slugs)).list().stream()
                .map(d -> new Entry(d.id(), d.tenant(), d.recipient(), d.subject(), d.kind(), d.status(),
                        d.createdAt(), d.attempts(), d.nextAttemptAt(), d.sentAt(), d.failedAt(), d.lastError()))
                .toList();
    }

    long count(@Nullable String tenant, @Nullable String status) {
        TenantFilter filter = filter(tenant);
        if (filter.matchesNothing()) {
            return 0;
        }
        return jdbc.sql("select count(*) from mail_outbox o " + WHERE)
                .param("tenant", filter.id()).param("status", status).query(Long.class).single();
    }

    /** One message, without its body. */
    Optional<Detail> find(UUID id) {
        return jdbc.sql(COLUMNS + " where o.id = :id").param("id", id)
                .query((rs, n) -> detail(rs, new HashMap<>())).optional();
    }

    /**
     * One message with its body opened; without it when it was dropped (sent) or does not open, a
     * note saying which: never an error.
     */
    Optional<Detail> read(UUID id) {
        return jdbc.sql(WITH_BODIES + " where o.id = :id").param("id", id)
                .query((rs, n) -> opened(detail(rs, new HashMap<>()), id, rs.getBytes("body_sealed"),
                        rs.getString("body")))
                .optional();
    }

    private Detail opened(Detail detail, UUID id, byte @Nullable [] sealed, @Nullable String clear) {
        if (sealed == null) {
            // A row written before V160 and not sealed yet holds its text in clear.
            return clear == null ? detail.withoutBody(NOT_KEPT) : withBody(detail, clear);
        }
        try {
            return withBody(detail, bodies.open(id, detail.recipient(), sealed));
        } catch (SecretBox.SealBroken e) {
            return detail.withoutBody(DOES_NOT_OPEN);
        }
    }

    private static Detail withBody(Detail d, String body) {
        return new Detail(d.id(), d.tenant(), d.recipient(), d.subject(), d.kind(), d.status(), d.createdAt(),
                d.attempts(), d.nextAttemptAt(), d.sentAt(), d.failedAt(), d.lastError(), body, null);
    }

    /** The tenant filter: {@code id} null for none; a slug or id naming no tenant matches nothing. */
    private record TenantFilter(@Nullable UUID id, boolean matchesNothing) {}

    /** Resolved by tenancy, which owns the tenants table; the outbox query stays on its own table. */
    private TenantFilter filter(@Nullable String tenant) {
        if (tenant == null) {
            return new TenantFilter(null, false);
        }
        return tenants.idOf(tenant).map(id -> new TenantFilter(id.value(), false))
                .orElseGet(() -> new TenantFilter(null, true));
    }

    /** A row, its tenant shown by slug; a page asks for each tenant's slug once. */
    private Detail detail(ResultSet rs, Map<TenantId, String> slugs) throws SQLException {
        Instant sent = instant(rs, "sent_at");
        Instant failed = instant(rs, "failed_at");
        String status = sent != null ? "SENT" : failed != null ? "FAILED" : "PENDING";
        String slug = slugs.computeIfAbsent(new TenantId(rs.getObject("tenant_id", UUID.class)), tenants::slug);
        return new Detail(rs.getObject("id", UUID.class).toString(), slug, rs.getString("recipient"),
                rs.getString("subject"), rs.getString("kind"), status, instant(rs, "created_at"), rs.getInt("attempts"),
                status.equals("PENDING") ? instant(rs, "next_attempt_at") : null, sent, failed,
                rs.getString("last_error"), null, null);
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
