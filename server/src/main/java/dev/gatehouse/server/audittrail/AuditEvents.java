package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.TenantId;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Appends events that are not a Gatehouse change of their own: applications' data access, exports. */
@Service
class AuditEvents {

    private final AuditLog audit;

    AuditEvents(AuditLog audit) {
        this.audit = audit;
    }

    /** Records one event in its own transaction and returns its sequence number. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public long record(TenantId tenant, String action, AuditLog.Actor actor, AuditLog.@Nullable Target target, @Nullable String ip,
            @Nullable String userAgent, Map<String, ?> details) {
        return audit.record(tenant, action, actor, target, ip, userAgent, details);
    }
}
