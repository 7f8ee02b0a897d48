package dev.gatehouse.server.overrides;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One platform override as stored: who (the operator, of the platform tenant), why, which role of
 * the tenant, through which account, assignment and session, and its window; {@code endedAt} and
 * {@code endedBy} once someone ended it or it lapsed ({@code endedBy} "expiry").
 */
record Override(TenantId tenant, UUID id, TenantId operatorTenant, UUID operatorId, String operatorUsername,
        String reason, String role, UUID account, UUID assignment, UUID session, Instant startsAt, Instant expiresAt,
        @Nullable Instant endedAt, @Nullable String endedBy) {

    /** The username of the override's account: names the override in every event it writes. */
    static String accountName(UUID id) {
        return "override-" + id.toString().substring(0, 8);
    }

    /** {@code ACTIVE} while it holds the role, else {@code ENDED} or {@code EXPIRED}. */
    String state(Instant now) {
        if (endedAt != null) {
            return "expiry".equals(endedBy) ? "EXPIRED" : "ENDED";
        }
        return now.isBefore(expiresAt) ? "ACTIVE" : "EXPIRED";
    }
}
