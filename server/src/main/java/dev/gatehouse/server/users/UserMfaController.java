package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An administrator resets another user's second factor (seed 000 "2FA", issue 4); the rules are
 * {@link AccountLifecycle#resetSecondFactor}'s. The endpoint sits beside the other admin actions on a
 * user; the second factors themselves are the authentication feature's.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/users")
class UserMfaController {

    private final AccountLifecycle lifecycle;

    UserMfaController(AccountLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @PostMapping("/{id}/mfa/reset")
    ResponseEntity<Void> reset(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        lifecycle.resetSecondFactor(caller, TenantScope.of(tenant), id, origin);
        return ResponseEntity.noContent().build();
    }
}
