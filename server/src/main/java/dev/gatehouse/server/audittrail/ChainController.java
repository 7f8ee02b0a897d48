package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.audit.ChainVerifier;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.PathTenant.For;
import dev.gatehouse.server.shared.TenantId;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET …/audit/verify} (docs/api.md, "Audit"; docs/audit.md). */
@RestController
class ChainController {

    private final AuditTrail trail;

    ChainController(AuditTrail trail) {
        this.trail = trail;
    }

    @GetMapping("/api/v1/tenants/{tenant}/audit/verify")
    ChainVerifier.Result verify(@AuthenticationPrincipal Caller caller, @PathTenant(For.TRAIL) TenantId tenant) {
        return trail.verify(caller, tenant);
    }
}
