package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST …/audit/purge} (docs/audit.md "Retention"): runs the tenant's retention purge now
 * rather than at the nightly run, for an operator who needs the space or wants to see it work. It
 * removes only what the tenant's {@code auditRetention} lets the nightly run remove; needs
 * {@code audit.purge}.
 */
@RestController
class PurgeController {

    /** {@code purged} false (count 0) when nothing was due; the rest describes the purge. */
    record PurgeView(boolean purged, long count, @Nullable Long fromSeq, @Nullable Long throughSeq,
            @Nullable String archive, @Nullable String sha256, @Nullable Long checkpointSeq, Instant olderThan) {}

    private final Access access;
    private final Actors actors;
    private final RetentionPurge retention;

    PurgeController(Access access, Actors actors, RetentionPurge retention) {
        this.access = access;
        this.actors = actors;
        this.retention = retention;
    }

    @PostMapping("/api/v1/tenants/{tenant}/audit/purge")
    PurgeView purge(@AuthenticationPrincipal Caller caller, Origin origin,
            @PathTenant TenantId id) {
        access.require(caller, "audit.purge", null);
        AuditLog.Actor actor = actors.actor(caller);
        return switch (retention.purge(id, actor, origin.ip(), origin.userAgent())) {
            case RetentionPurge.Purged purged -> new PurgeView(true, purged.range().count(), purged.range().fromSeq(),
                    purged.range().throughSeq(), purged.archive().name(), purged.archive().sha256(),
                    purged.checkpoint().seq(), purged.olderThan());
            case RetentionPurge.NothingDue nothing -> new PurgeView(false, 0, null, null, null, null, null,
                    nothing.olderThan());
            case RetentionPurge.Busy busy -> throw ApiException.conflict("a purge of this tenant is already running");
            case RetentionPurge.ChainBroken broken -> throw ApiException.conflict("the audit chain does not verify"
                    + " (first bad seq " + broken.firstBadSeq() + "); nothing was purged, so the evidence stays");
        };
    }
}
