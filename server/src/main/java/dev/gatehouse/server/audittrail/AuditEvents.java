package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.TenantId;
import java.util.List;
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

    /** Records events in their own transaction, under one lock of the chain head; returns their sequence numbers. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public List<Long> record(TenantId tenant, List<AuditLog.Entry> entries) {
        return audit.recordAll(tenant, entries);
    }
}
