package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.ChainVerifier;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET …/audit/verify} (docs/api.md, "Audit"; docs/audit.md). */
@RestController
class ChainController {

    private final TenantPaths paths;
    private final Access access;
    private final ChainVerifier verifier;

    ChainController(TenantPaths paths, Access access, ChainVerifier verifier) {
        this.paths = paths;
        this.access = access;
        this.verifier = verifier;
    }

    @GetMapping("/api/v1/tenants/{tenant}/audit/verify")
    ChainVerifier.Result verify(@AuthenticationPrincipal Caller caller, @PathVariable String tenant) {
        TenantId id = paths.own(caller, tenant);
        access.require(caller, "audit.read", null);
        return verifier.verify(id);
    }
}
