package dev.gatehouse.server.signup;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.Attention;
import dev.gatehouse.server.shared.Caller;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The home page's card for the approval queue: sign-ups and role requests waiting for a decision,
 * shown to whoever may decide them ({@code registrations.approve}).
 */
@Component
class ApprovalsAttention implements Attention {

    private final Approvals approvals;
    private final Access access;

    ApprovalsAttention(Approvals approvals, Access access) {
        this.approvals = approvals;
        this.access = access;
    }

    @Override
    public List<Card> cardsFor(Caller caller, Instant now) {
        if (caller.isPlatformOperator() || !access.allows(caller, Approvals.APPROVE, null)) {
            return List.of();
        }
        return List.of(new Card("pending-approvals", "Sign-ups and role requests to approve",
                approvals.pendingCount(caller.tenant()), "/console/registrations",
                "People waiting for an administrator to let them in or give them a role"));
    }
}
