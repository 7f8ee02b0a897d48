package dev.gatehouse.server.platform;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.OperatorAccess;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.users.AccountLifecycle;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** {@link OperatorAccess} for the console: {@link BreakGlass} and {@link Impersonation}, as their API calls them. */
@Component
class ConsoleOperatorAccess implements OperatorAccess {

    private final BreakGlass breakGlass;
    private final Impersonation impersonation;

    ConsoleOperatorAccess(BreakGlass breakGlass, Impersonation impersonation) {
        this.breakGlass = breakGlass;
        this.impersonation = impersonation;
    }

    @Override
    public Recovered breakGlass(Caller caller, TenantPaths.TenantRef tenant, UUID user, String body, Origin origin) {
        AccountLifecycle.BrokenGlass done = breakGlass.unlock(caller, tenant, user.toString(), body, origin);
        return new Recovered(done.username(), done.sessionsEnded(), done.resetUrl(), done.expiresAt());
    }

    @Override
    public Acting impersonate(Caller caller, TenantPaths.TenantRef tenant, UUID user, String body, Origin origin) {
        Impersonation.Started started = impersonation.start(caller, tenant, user.toString(), body, origin);
        return new Acting(started.token(), started.expiresAt());
    }
}
