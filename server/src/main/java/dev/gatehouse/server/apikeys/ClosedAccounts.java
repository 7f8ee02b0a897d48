package dev.gatehouse.server.apikeys;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.AccountClosed;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Revokes every key of a user as their account closes (disabled or deleted; issue 12), inside the
 * transaction that closes it: both commit together or neither does. A disabled owner's keys are
 * refused at once anyway (their profile is inactive); revoking them means enabling the account
 * again does not bring back keys nobody looked after meanwhile.
 */
@Component
class ClosedAccounts {

    private final ApiKeys keys;

    ClosedAccounts(ApiKeys keys) {
        this.keys = keys;
    }

    @EventListener
    void on(AccountClosed closed) {
        keys.revokeAllOf(closed.tenant(), closed.user(), Actors.of(closed.by(), java.util.List.of()),
                "owner " + closed.how().toLowerCase(java.util.Locale.ROOT), closed.origin());
    }
}
