package dev.gatehouse.server.authentication;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.TenantId;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * An administrator's reset of a user's second factor (the user lost their phone): the
 * authenticator, recovery codes and pending two-step sign-ins go; if the tenant requires a second
 * factor of them, their next sign-in asks them to set one up again. The permission check is the
 * caller's (the users API); this runs in its transaction.
 */
@Component
public class SecondFactorReset {

    private final SecondFactors factors;
    private final Sessions sessions;
    private final AuditLog audit;

    SecondFactorReset(SecondFactors factors, Sessions sessions, AuditLog audit) {
        this.factors = factors;
        this.sessions = sessions;
        this.audit = audit;
    }

    /** Returns false when the user had no second factor (nothing changed, nothing audited). */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean reset(TenantId tenant, UUID user, String username, AuditLog.Actor actor, @Nullable String ip,
            @Nullable String userAgent) {
        if (!factors.removeAll(tenant, user)) {
            return false;
        }
        sessions.forgetUser(tenant, user);
        audit.record(tenant, "MFA_RESET", actor, new AuditLog.Target("user", user.toString(), username), ip, userAgent,
                Map.of("by", "administrator"));
        return true;
    }
}
