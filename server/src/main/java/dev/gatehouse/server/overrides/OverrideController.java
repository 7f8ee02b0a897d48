package dev.gatehouse.server.overrides;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.PathTenant.For;
import dev.gatehouse.server.shared.TenantPaths;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Platform overrides (issue 16; our extension of docs/api.md): an operator requests and ends one; the
 * tenant's admins list and end them.
 */
@RestController
class OverrideController {

    private final Overrides overrides;

    OverrideController(Overrides overrides) {
        this.overrides = overrides;
    }

    /** {@code {reason, minutes?}} → 201 {@code {token, override}}; the token is the override's session, shown once. */
    @PostMapping("/api/v1/tenants/{tenant}/overrides")
    ResponseEntity<Overrides.Started> start(@AuthenticationPrincipal Caller caller, @RequestBody OverrideRequest body,
            Origin origin, @PathTenant(For.OPERATOR) TenantPaths.TenantRef tenant) {
        return ResponseEntity.status(HttpStatus.CREATED).body(overrides.start(caller, tenant, body, origin));
    }

    @GetMapping("/api/v1/tenants/{tenant}/overrides")
    Map<String, List<Overrides.View>> list(@AuthenticationPrincipal Caller caller,
            @PathTenant(For.OPERATOR) TenantPaths.TenantRef tenant) {
        return Map.of("items", overrides.list(caller, tenant));
    }

    /** Ends an active override at once: its role, session and account. */
    @DeleteMapping("/api/v1/tenants/{tenant}/overrides/{id}")
    Overrides.View end(@AuthenticationPrincipal Caller caller, @PathVariable String id, Origin origin,
            @PathTenant(For.OPERATOR) TenantPaths.TenantRef tenant) {
        return overrides.end(caller, tenant, id, origin);
    }
}
