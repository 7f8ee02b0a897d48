package dev.gatehouse.server.apikeys;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.AccountClosed;
import java.util.Locale;
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
    private final Actors actors;

    ClosedAccounts(ApiKeys keys, Actors actors) {
        this.keys = keys;
        this.actors = actors;
    }

    @EventListener
    void on(AccountClosed closed) {
        keys.revokeAllOf(closed.tenant(), closed.user(), actors.actor(closed.by()),
                "owner " + closed.how().toLowerCase(Locale.ROOT), closed.origin());
    }
}
