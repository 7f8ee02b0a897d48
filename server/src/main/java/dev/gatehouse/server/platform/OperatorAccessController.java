package dev.gatehouse.server.platform;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.PathTenant.For;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.users.AccountLifecycle;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A platform operator's two ways into a tenant's user (our extension of docs/api.md): impersonation
 * and break-glass, each with {@code {reason}}. The body is read here, after the operator check, so
 * that for anyone else these paths answer the 404 of every other tenant's path whatever they send.
 */
@RestController
class OperatorAccessController {

    record BreakGlassAnswer(String resetUrl, Instant expiresAt, Map<String, String> user, int sessionsEnded) {}

    private final Impersonation impersonation;
    private final BreakGlass breakGlass;

    OperatorAccessController(Impersonation impersonation, BreakGlass breakGlass) {
        this.impersonation = impersonation;
        this.breakGlass = breakGlass;
    }

    /** {@code {reason}} → 201 {@code {token, sessionId, expiresAt, user: {id, username}}}. */
    @PostMapping("/api/v1/tenants/{tenant}/users/{id}/impersonation")
    ResponseEntity<Impersonation.Started> impersonate(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestBody(required = false) @Nullable String body, Origin origin,
            @PathTenant(For.OPERATOR) TenantPaths.TenantRef tenant) {
        return ResponseEntity.status(HttpStatus.CREATED).body(impersonation.start(caller, tenant, id, body, origin));
    }

    /** {@code {reason}} → 200 {@code {resetUrl, expiresAt, user: {id, username, status}, sessionsEnded}}. */
    @PostMapping("/api/v1/tenants/{tenant}/users/{id}/break-glass")
    BreakGlassAnswer breakGlass(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestBody(required = false) @Nullable String body, Origin origin,
            @PathTenant(For.OPERATOR) TenantPaths.TenantRef tenant) {
        AccountLifecycle.BrokenGlass done = breakGlass.unlock(caller, tenant, id, body, origin);
        return new BreakGlassAnswer(done.resetUrl(), done.expiresAt(),
                Map.of("id", done.id().toString(), "username", done.username(), "status", done.status()),
                done.sessionsEnded());
    }
}
