package dev.gatehouse.server.audit;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Published by {@link AuditLog} for every event it appends, inside the appending transaction, so
 * that other features can react to what happened without the audit package knowing them: listen
 * with {@code @TransactionalEventListener(phase = AFTER_COMMIT)} and a rolled-back change is never
 * seen. Carries the event as stored (after control characters were cleaned).
 */
public record AuditRecorded(TenantId tenant, long seq, Instant at, String action, AuditLog.Actor actor,
        AuditLog.@Nullable Target target, @Nullable String ip,
        Map<String, ?> details) {}
