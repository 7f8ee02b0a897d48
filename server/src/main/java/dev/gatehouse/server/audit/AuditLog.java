package dev.gatehouse.server.audit;

import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Appends audit events. Called inside the transaction of the change it records, so a change
 * without its event (or an event without its change) cannot commit. Never pass secrets in
 * {@code details}: no passwords, tokens, codes or hashes; keys named like them are refused.
 *
 * <p>Each event joins its tenant's hash chain ({@link AuditChain}, docs/audit.md). The row lock on
 * {@code audit_sequences} serialises a tenant's appends and keeps the previous hash, so appending
 * never reads the events table.
 *
 * <p>Each append publishes an {@link AuditRecorded} in its transaction, for features that react to
 * events after they commit (alerts) without this package depending on them.
 */
@Component
public class AuditLog {

    /** Who did it: their id, username and the roles they held at that moment. */
    public record Actor(@Nullable UUID id, @Nullable String username, List<String> roles) {
        public static final Actor SYSTEM = new Actor(null, "system", List.of());

        public Actor {
            roles = List.copyOf(roles);
        }
    }

    /** What it was done to. */
    public record Target(String type, String id, @Nullable String name) {}

    /** Top-level details keys that would hold a secret (compared lower-case, also as a suffix: newPassword). */
    private static final List<String> SECRET_KEYS = List.of("password", "token", "secret", "code", "hash");

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ChainBackfill backfill;
    private final ApplicationEventPublisher events;

    AuditLog(JdbcClient jdbc, Clock clock, ChainBackfill backfill, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.backfill = backfill;
        this.events = events;
    }

    /**
     * Appends one event in the current transaction; returns its sequence number.
     *
     * @throws IllegalArgumentException when a details key is named like a secret (a programming error)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public long record(TenantId tenant, String action, Actor actor, @Nullable Target target,
            @Nullable String ip, @Nullable String userAgent, Map<String, ?> details) {
        refuseSecrets(details);
        String canonicalDetails = AuditChain.canonicalDetails(details);
        record Next(long seq, byte @Nullable [] previous) {}
        Next next = jdbc.sql("""
                        insert into audit_sequences (tenant_id, last_seq) values (:tenant, 1)
                        on conflict (tenant_id) do update set last_seq = audit_sequences.last_seq + 1
                        returning last_seq, last_hash
                        """)
                .param("tenant", tenant.value())
                .query((rs, n) -> new Next(rs.getLong("last_seq"), rs.getBytes("last_hash"))).single();
        byte[] previous = next.previous();
        if (previous == null) {
            // No hash yet: the tenant's first event, or events written before the chain existed.
            previous = next.seq() == 1 ? AuditChain.ZERO : backfill.chainUpTo(tenant, next.seq() - 1);
        }
        Instant at = AuditChain.truncate(clock.instant());
        AuditChain.Content content = new AuditChain.Content(tenant.value(), next.seq(), at, AuditChain.clean(action),
                actor.id(), AuditChain.clean(actor.username()), actor.roles().stream().map(AuditChain::clean).toList(),
                target == null ? null : AuditChain.clean(target.type()),
                target == null ? null : AuditChain.clean(target.id()),
                target == null ? null : AuditChain.clean(target.name()),
                AuditChain.clean(ip), AuditChain.clean(userAgent), canonicalDetails);
        byte[] hash = AuditChain.hash(content, previous);
        // One round trip stores the event and moves the chain head.
        jdbc.sql("""
                        with event as (
                            insert into audit_events (tenant_id, seq, at, action, actor_id, actor_username, actor_roles,
                                target_type, target_id, target_name, ip, user_agent, details, prev_hash, hash)
                            values (:tenant, :seq, :at, :action, :actorId, :actorUsername, :actorRoles,
                                :targetType, :targetId, :targetName, :ip, :userAgent, cast(:details as jsonb),
                                :prevHash, :hash)
                            returning tenant_id, hash)
                        update audit_sequences set last_hash = event.hash from event
                        where audit_sequences.tenant_id = event.tenant_id
                        """)
                .param("tenant", tenant.value())
                .param("seq", content.seq())
                .param("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .param("action", content.action())
                .param("actorId", content.actorId())
                .param("actorUsername", content.actorUsername())
                .param("actorRoles", content.actorRoles().toArray(String[]::new))
                .param("targetType", content.targetType())
                .param("targetId", content.targetId())
                .param("targetName", content.targetName())
                .param("ip", content.ip())
                .param("userAgent", content.userAgent())
                .param("details", canonicalDetails)
                .param("prevHash", previous)
                .param("hash", hash)
                .update();
        events.publishEvent(new AuditRecorded(tenant, next.seq(), at, content.action(),
                new Actor(content.actorId(), content.actorUsername(), content.actorRoles()),
                content.targetType() == null || content.targetId() == null ? null
                        : new Target(content.targetType(), content.targetId(), content.targetName()),
                content.ip(), details));
        return next.seq();
    }

    /** A flag such as {@code temporaryPassword: true} says nothing secret; any other value would. */
    private static void refuseSecrets(Map<String, ?> details) {
        details.forEach((key, value) -> {
            String name = key.toLowerCase(Locale.ROOT);
            boolean secretName = SECRET_KEYS.stream().anyMatch(name::endsWith);
            if (secretName && !(value instanceof Boolean)) {
                throw new IllegalArgumentException("audit details must not carry secrets: key " + key);
            }
        });
    }
}
