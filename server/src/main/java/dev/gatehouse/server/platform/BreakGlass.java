package dev.gatehouse.server.platform;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.users.AccountLifecycle;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * seed 000, "Break-glass access - One-time emergency account unlock (fully audited)": a platform
 * operator, with a reason, unlocks a tenant's user once and gets a one-time password-reset link for
 * them ({@link AccountLifecycle#breakGlass}). The tenant's trail records {@code BREAK_GLASS}, and its
 * {@code breakGlass} alert rule tells the tenant's admins.
 */
@Service
class BreakGlass {

    private final OperatorReach reach;
    private final AccountLifecycle users;
    private final Actors actors;

    BreakGlass(OperatorReach reach, AccountLifecycle users, Actors actors) {
        this.reach = reach;
        this.users = users;
        this.actors = actors;
    }

    /**
     * @throws ApiException 404 for anyone but an operator (403 for a tenant's user naming their own
     *     tenant), an unknown tenant or user; 403 without
     *     {@code platform.break-glass}, without a recent proof of the operator's factor, from an
     *     impersonated session, or on the platform tenant; 400 naming {@code reason}; 409 for a
     *     disabled user or one who never set a password
     */
    @Transactional
    public AccountLifecycle.BrokenGlass unlock(Caller caller, TenantPaths.TenantRef tenant, String user, @Nullable String body,
            Origin origin) {
        OperatorReach.Reached reached = reach.reach(caller, "platform.break-glass", "use break-glass", tenant, user,
                body);
        return users.breakGlass(reached.tenant().id(), reached.user(), actors.actor(caller),
                origin, reached.reason());
    }
}
