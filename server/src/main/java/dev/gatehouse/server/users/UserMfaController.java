package dev.gatehouse.server.users;

import dev.gatehouse.server.authentication.SecondFactorReset;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An administrator resets another user's second factor (seed 000 "2FA", issue 4): users.edit on
 * that user, never on yourself (seed 004: another administrator must do it); audited MFA_RESET.
 * It lives here, beside the other admin actions on a user, because it needs the users guard;
 * the second factors themselves are the authentication feature's.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/users")
class UserMfaController {

    private final TenantScope scope;
    private final UserStore users;
    private final UserGuard guard;
    private final SecondFactorReset reset;

    UserMfaController(TenantScope scope, UserStore users, UserGuard guard, SecondFactorReset reset) {
        this.scope = scope;
        this.users = users;
        this.guard = guard;
        this.reset = reset;
    }

    @PostMapping("/{id}/mfa/reset")
    @Transactional
    ResponseEntity<Void> reset(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @PathVariable UUID id, HttpServletRequest http) {
        TenantScope.Scoped scoped = scope.resolve(caller, tenant);
        guard.requireAnywhere(caller, "users.edit");
        UserGuard.notSelf(caller, id, "reset the second factor of");
        UserAccount user = users.findForUpdate(scoped.id(), id).orElseThrow(() -> ApiException.notFound("user " + id));
        guard.require(caller, "users.edit", id);
        guard.requireCovers(caller, "users.edit", id, "reset the second factor of");
        if (!reset.reset(scoped.id(), id, user.username(), guard.actor(caller), http.getRemoteAddr(),
                http.getHeader("User-Agent"))) {
            throw ApiException.conflict("user " + user.username() + " has no second factor to reset");
        }
        return ResponseEntity.noContent().build();
    }
}
