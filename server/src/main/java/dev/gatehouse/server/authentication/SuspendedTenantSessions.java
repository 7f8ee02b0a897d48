package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantSuspended;
import java.time.Clock;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** A suspended tenant's sessions all end, in the suspension's transaction (issue 16). */
@Component
class SuspendedTenantSessions {

    private final Sessions sessions;
    private final Clock clock;

    SuspendedTenantSessions(Sessions sessions, Clock clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    @EventListener
    void suspended(TenantSuspended suspended) {
        sessions.endAllOfTenant(suspended.tenant(), clock.instant(), "TENANT_SUSPENDED");
    }
}
