package dev.gatehouse.server.users;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.PasswordPolicy;
import dev.gatehouse.server.authentication.Passwords;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.throttling.Throttle;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Redeems a one-use link (seed 004): an invitation makes the account active with the password its
 * owner chose; a reset replaces the password and ends every session. A link that is unknown, used,
 * replaced, revoked or expired gets the same answer, so the answer tells nothing about it.
 */
@Service
public class TokenAcceptance {

    private final UserTokens tokens;
    private final UserStore users;
    private final PasswordPolicy policy;
    private final Passwords passwords;
    private final Sessions sessions;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Clock clock;
    private final Access access;
    private final Throttle throttle;
    private final TransactionTemplate transaction;

    TokenAcceptance(UserTokens tokens, UserStore users, PasswordPolicy policy, Passwords passwords, Sessions sessions,
            AuditLog audit, AccessChanges changes, Clock clock, Access access, Throttle throttle,
            TransactionTemplate transaction) {
        this.throttle = throttle;
        this.transaction = transaction;
        this.access = access;
        this.tokens = tokens;
        this.users = users;
        this.policy = policy;
        this.passwords = passwords;
        this.sessions = sessions;
        this.audit = audit;
        this.changes = changes;
        this.clock = clock;
    }

    /**
     * @throws ApiException 400 naming {@code token} or {@code newPassword}; 429 over a rate limit
     */
    public void accept(String token, String newPassword, Origin origin) {
        var found = tokens.findUsable(token, clock.instant());
        // Rate limits before any work (the password check, its hash) and outside the transaction, which
        // would otherwise hold a connection while the buckets take theirs: the address always, and the
        // account and tenant of a usable link. A refusal writes nothing but its audit event.
        Throttle.Permit permit = throttle.enter(new Throttle.Attempt(Throttle.Door.TOKEN_REDEMPTION, origin.ip(),
                found.<Throttle.Tenant>map(p -> new Throttle.Tenant.Id(p.tenant())).orElse(null),
                found.map(p -> p.user().toString()).orElse(null), origin.userAgent()));
        permit.during(() -> {
            transaction.executeWithoutResult(status -> redeem(token, newPassword, origin));
            return null;
        });
        permit.succeeded();
    }

    private void redeem(String token, String newPassword, Origin origin) {
        Instant now = clock.instant();
        UserTokens.Pending pending = tokens.findUsable(token, now).orElseThrow(TokenAcceptance::invalid);
        // Checked and hashed before the token is claimed: a rejected password leaves the link usable,
        // and the row lock of the claim is held only for the short writes after it.
        policy.requireFor("newPassword", newPassword, pending.tenant(), pending.user());
        String hash = passwords.hash(newPassword);
        if (!tokens.claim(pending.tenant(), pending.id(), now)) {
            throw invalid();
        }
        UserAccount user = users.findForUpdate(pending.tenant(), pending.user()).orElseThrow(TokenAcceptance::invalid);
        boolean invitation = pending.purpose() == UserTokens.Purpose.INVITATION;
        if (invitation && !user.status().equals("INVITED")) {
            throw invalid();
        }
        List<String> remaining = new ArrayList<>(user.requiredActions());
        // The owner chose this password, so there is nothing to change at first sign-in.
        remaining.remove("CHANGE_PASSWORD");
        users.setChosenPassword(pending.tenant(), user.id(), hash, invitation ? "ACTIVE" : user.status(), remaining,
                now);
        policy.recordChange(pending.tenant(), user.id(), hash, now);
        int ended = sessions.endAll(pending.tenant(), user.id(), null, now, pending.purpose().name());
        audit.record(pending.tenant(), "PASSWORD_CHANGED", new AuditLog.Actor(user.id(), user.username(),
                        access.rolesHeld(pending.tenant(), user.id())),
                UserEvents.target(user.id(), user.username()), origin.ip(), origin.userAgent(),
                Map.of("via", pending.purpose().name(), "activated", invitation, "sessionsEnded", ended));
        changes.subjectChanged(pending.tenant(), user.id());
    }

    private static ApiException invalid() {
        return ApiException.badRequest("token", "is not valid: it may have expired, been used or been replaced");
    }
}
