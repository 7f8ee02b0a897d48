package dev.gatehouse.server.users;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.PasswordPolicy;
import dev.gatehouse.server.authentication.Passwords;
import dev.gatehouse.server.authentication.SecondFactorReset;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.AccountClosed;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An account's status and credentials (seeds 000, 001, 003 and 004): lock and unlock, disable and
 * enable (disabling tells the features holding the user's credentials, {@link AccountClosed}), a
 * reset link or a temporary password, a new invitation, ending sessions, resetting the second
 * factor, and the platform's break-glass; a service account has no password, invitation or second
 * factor to act on (issue 12). Who may act on whom is asked of the {@link UserGuard} before
 * anything changes; each change and its audit event commit together, and tell the access caches.
 */
@Service
public class AccountLifecycle {

    private final UserStore users;
    private final UserSessions userSessions;
    private final UserTokens tokens;
    private final Sessions sessions;
    private final Passwords passwords;
    private final PasswordPolicy passwordPolicy;
    private final SecondFactorReset secondFactors;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final UserGuard guard;
    private final TenantScope scope;
    private final AccountMails mails;
    private final Clock clock;
    private final LastAdministrator lastAdministrator;
    private final ApplicationEventPublisher events;

    AccountLifecycle(UserStore users, UserSessions userSessions, UserTokens tokens, Sessions sessions,
            Passwords passwords, PasswordPolicy passwordPolicy, SecondFactorReset secondFactors, AuditLog audit,
            AccessChanges changes, UserGuard guard, TenantScope scope, AccountMails mails, Clock clock,
            LastAdministrator lastAdministrator, ApplicationEventPublisher events) {
        this.events = events;
        this.users = users;
        this.userSessions = userSessions;
        this.tokens = tokens;
        this.sessions = sessions;
        this.passwords = passwords;
        this.passwordPolicy = passwordPolicy;
        this.secondFactors = secondFactors;
        this.audit = audit;
        this.changes = changes;
        this.guard = guard;
        this.scope = scope;
        this.mails = mails;
        this.clock = clock;
        this.lastAdministrator = lastAdministrator;
    }

    /** seed 004: a permanent lock blocks sign-in and ends every session at once. */
    @Transactional
    public UserAccount lock(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserGuard.notSelf(caller, id, "lock");
        UserAccount user = editable(caller, tenant, id, "lock");
        if (user.status().equals("LOCKED")) {
            throw ApiException.conflict("user " + user.username() + " is already locked");
        }
        if (user.status().equals("DISABLED")) {
            // Unlocking could not tell a disabled user from an active one, and a disabled user is already kept out.
            throw ApiException.conflict("user " + user.username() + " is disabled, which already keeps them out;"
                    + " enable them before locking");
        }
        lastAdministrator.protect(tenant, id, "lock");
        return shutOut(caller, tenant, user, "LOCKED", "USER_LOCKED", origin);
    }

    /**
     * Sets a status that keeps the user out (locked, disabled): every session ends and every
     * pending invitation or reset link dies in the same transaction.
     */
    private UserAccount shutOut(Caller caller, TenantScope.Scoped tenant, UserAccount user, String status,
            String action, Origin origin) {
        UUID id = user.id();
        Instant now = clock.instant();
        users.setStatus(tenant.id(), id, status, now);
        int ended = sessions.endAll(tenant.id(), id, null, now, action);
        revokeLinks(tenant, id, now);
        audit.record(tenant.id(), action, guard.actor(caller), UserEvents.target(id, user.username()), origin.ip(),
                origin.userAgent(), Map.of("previousStatus", user.status(), "sessionsEnded", ended));
        changes.subjectChanged(tenant.id(), id);
        return users.find(tenant.id(), id).orElseThrow();
    }

    /** seed 004: "Unlocking clears all flags and resets the failed-attempt counter." */
    @Transactional
    public UserAccount unlock(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount user = editable(caller, tenant, id, "unlock");
        if (!user.status().equals("LOCKED") && user.lockedUntil() == null && user.failedLogins() == 0) {
            throw ApiException.conflict("user " + user.username() + " is not locked");
        }
        String status = user.status().equals("LOCKED") ? reactivated(user) : user.status();
        users.unlock(tenant.id(), id, status, clock.instant());
        audit.record(tenant.id(), "USER_UNLOCKED", guard.actor(caller), UserEvents.target(id, user.username()), origin.ip(),
                origin.userAgent(), unlocked(user, status));
        changes.subjectChanged(tenant.id(), id);
        return users.find(tenant.id(), id).orElseThrow();
    }

    /** What a break-glass did: the one-time reset link and when it dies, and the account as it was and is. */
    public record BrokenGlass(String resetUrl, Instant expiresAt, UUID id, String username, String previousStatus,
            String status, int sessionsEnded) {}

    private record ResetLink(String url, Instant expiresAt) {}

    /** Issues a one-time password-reset link for {@code user} (a new one kills the last) and mails it to them. */
    private ResetLink resetLink(TenantId tenant, UserAccount user, Instant now) {
        Duration validity = scope.rules(tenant).resetValidity();
        String url = tokens.issue(tenant, user.id(), UserTokens.Purpose.PASSWORD_RESET, validity, now);
        mails.passwordReset(tenant, user.email(), user.username(), url, now.plus(validity));
        return new ResetLink(url, now.plus(validity));
    }

    /** What an unlock undid, for its event: the status before and after, the failure count, the lockout's end. */
    private static Map<String, Object> unlocked(UserAccount user, String status) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("previousStatus", user.status());
        details.put("status", status);
        details.put("failedLogins", user.failedLogins());
        if (user.lockedUntil() != null) {
            details.put("lockedUntil", user.lockedUntil().toString());
        }
        return details;
    }

    /**
     * seed 000, "Break-glass access - One-time emergency account unlock (fully audited)"; seed 001,
     * "If the TENANT_ADMIN themselves locks out, only a platform admin can reset": a platform
     * operator unlocks the account once (permanent lock, temporary lockout and failure count), every
     * session of the user ends, and a one-time password-reset link is issued (mailed too when the user
     * has an address), with {@code CHANGE_PASSWORD} required until the user has set a new password.
     * Recorded as {@code BREAK_GLASS} in the tenant's trail, which alerts its admins. The caller
     * (platform) has checked the operator's platform permission; nothing in the tenant grants this.
     *
     * @throws ApiException 404 for an unknown user, 409 for a disabled one or one who never set a password
     */
    @Transactional
    public BrokenGlass breakGlass(TenantId tenant, UUID id, AuditLog.Actor operator, Origin origin, String reason) {
        UserAccount user = users.findForUpdate(tenant, id).orElseThrow(() -> ApiException.notFound("user " + id));
        refuseIfService(user, "break-glass");
        MemberAccounts.refuseCredentials(user, "break-glass");
        if (user.status().equals("DISABLED")) {
            // Disabling is a tenant admin's decision to keep someone out; break-glass does not undo it.
            throw ApiException.conflict("user " + user.username() + " is disabled; break-glass unlocks a locked"
                    + " account, it does not enable a disabled one (a tenant admin enables them)");
        }
        if (!user.hasPassword()) {
            throw ApiException.conflict("user " + user.username() + " has never set a password; a tenant admin sends"
                    + " them a new invitation instead");
        }
        Instant now = clock.instant();
        List<String> required = new ArrayList<>(user.requiredActions());
        if (!required.contains("CHANGE_PASSWORD")) {
            required.add("CHANGE_PASSWORD");
        }
        users.breakGlass(tenant, id, required, now);
        ResetLink link = resetLink(tenant, user, now);
        int ended = sessions.endAll(tenant, id, null, now, "BREAK_GLASS");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.putAll(unlocked(user, "ACTIVE"));
        details.put("sessionsEnded", ended);
        details.put("resetLinkExpiresAt", link.expiresAt().toString());
        audit.record(tenant, "BREAK_GLASS", operator, UserEvents.target(id, user.username()), origin.ip(), origin.userAgent(),
                details);
        changes.subjectChanged(tenant, id);
        return new BrokenGlass(link.url(), link.expiresAt(), id, user.username(), user.status(), "ACTIVE", ended);
    }

    /** seed 000: a disabled user can no longer sign in; their data stays and they can be enabled later. */
    @Transactional
    public UserAccount disable(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserGuard.notSelf(caller, id, "disable");
        UserAccount user = editable(caller, tenant, id, "disable");
        if (user.status().equals("DISABLED")) {
            throw ApiException.conflict("user " + user.username() + " is already disabled");
        }
        if (user.status().equals("LOCKED")) {
            throw ApiException.conflict("user " + user.username() + " is locked; unlock them before disabling");
        }
        lastAdministrator.protect(tenant, id, "disable");
        UserAccount disabled = shutOut(caller, tenant, user, "DISABLED", "USER_DISABLED", origin);
        // In this transaction: the features holding the user's credentials (API keys, OAuth clients)
        // end them and audit it with the disable, or the disable does not happen.
        events.publishEvent(new AccountClosed(tenant.id(), id, user.kind(), "DISABLED", caller, origin));
        return disabled;
    }

    /**
     * Issue 13: the nightly inactivity rule disables an active person who has not signed in for the
     * tenant's {@code inactivityDisableDays}, in the caller's transaction, audited as the system's
     * USER_DISABLED with reason {@code inactivity}. Never the last administrator (409 from
     * {@link LastAdministrator}, which the rule skips). Their keys stop with their status; nothing is
     * revoked for good, so enabling them again restores what they had.
     *
     * @return the account as disabled, or empty when it signed in or changed meanwhile
     */
    java.util.Optional<UserAccount> disableForInactivity(TenantScope.Scoped tenant, UUID id, Instant idleSince,
            int days) {
        UserAccount user = users.findForUpdate(tenant.id(), id).orElse(null);
        Instant now = clock.instant();
        Instant lastActive = user == null ? null : user.lastSignInAt() != null ? user.lastSignInAt() : user.createdAt();
        if (user == null || !user.status().equals("ACTIVE") || user.kind().equals("SERVICE")
                || lastActive.isAfter(idleSince)) {
            return java.util.Optional.empty();
        }
        lastAdministrator.protect(tenant, id, "disable");
        users.setStatus(tenant.id(), id, "DISABLED", now);
        int ended = sessions.endAll(tenant.id(), id, null, now, "USER_DISABLED");
        revokeLinks(tenant, id, now);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("previousStatus", user.status());
        details.put("sessionsEnded", ended);
        details.put("reason", "inactivity");
        details.put("inactivityDisableDays", days);
        details.put("lastSignInAt", user.lastSignInAt() == null ? "never" : user.lastSignInAt().toString());
        audit.record(tenant.id(), "USER_DISABLED", AuditLog.Actor.SYSTEM, UserEvents.target(id, user.username()), null,
                null, details);
        changes.subjectChanged(tenant.id(), id);
        return users.find(tenant.id(), id);
    }

    @Transactional
    public UserAccount enable(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount user = editable(caller, tenant, id, "enable");
        if (!user.status().equals("DISABLED")) {
            throw ApiException.conflict("user " + user.username() + " is not disabled");
        }
        String status = reactivated(user);
        users.setStatus(tenant.id(), id, status, clock.instant());
        audit.record(tenant.id(), "USER_ENABLED", guard.actor(caller), UserEvents.target(id, user.username()), origin.ip(),
                origin.userAgent(), Map.of("status", status));
        changes.subjectChanged(tenant.id(), id);
        return users.find(tenant.id(), id).orElseThrow();
    }

    /** seed 004: "Admin-driven password resets also kill active sessions to force a clean re-authentication." */
    @Transactional
    public String resetPassword(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserGuard.notSelf(caller, id, "reset the password of");
        UserAccount user = editable(caller, tenant, id, "reset the password of");
        refuseIfService(user, "a password reset");
        MemberAccounts.refuseCredentials(user, "a password reset");
        if (user.status().equals("INVITED")) {
            throw ApiException.conflict("user " + user.username()
                    + " has not accepted their invitation yet; send a new invitation instead");
        }
        Instant now = clock.instant();
        ResetLink link = resetLink(tenant.id(), user, now);
        int ended = sessions.endAll(tenant.id(), id, null, now, "PASSWORD_RESET");
        audit.record(tenant.id(), "PASSWORD_RESET", guard.actor(caller), UserEvents.target(id, user.username()), origin.ip(),
                origin.userAgent(), Map.of("sessionsEnded", ended, "expiresAt", link.expiresAt().toString()));
        changes.subjectChanged(tenant.id(), id);
        return link.url();
    }

    /**
     * seed 001 and 004: the admin sets a temporary password, which meets the policy and must be
     * changed at the next sign-in; every session ends, as with a reset link, and unused reset links die.
     */
    @Transactional
    public void setTemporaryPassword(Caller caller, TenantScope.Scoped tenant, UUID id, String temporaryPassword,
            Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserGuard.notSelf(caller, id, "reset the password of");
        UserAccount user = editable(caller, tenant, id, "set a temporary password for");
        refuseIfService(user, "a temporary password");
        MemberAccounts.refuseCredentials(user, "a temporary password");
        if (user.status().equals("INVITED")) {
            throw ApiException.conflict("user " + user.username()
                    + " has not accepted their invitation yet; send a new invitation instead");
        }
        passwordPolicy.requireFor("temporaryPassword", temporaryPassword, tenant.id(), id);
        Instant now = clock.instant();
        String hash = passwords.hash(temporaryPassword);
        List<String> required = new ArrayList<>(user.requiredActions());
        if (!required.contains("CHANGE_PASSWORD")) {
            required.add("CHANGE_PASSWORD");
        }
        users.setTemporaryPassword(tenant.id(), id, hash, required, now);
        passwordPolicy.recordChange(tenant.id(), id, hash, now);
        tokens.revoke(tenant.id(), id, UserTokens.Purpose.PASSWORD_RESET, now);
        int ended = sessions.endAll(tenant.id(), id, null, now, "PASSWORD_RESET");
        audit.record(tenant.id(), "PASSWORD_RESET", guard.actor(caller), UserEvents.target(id, user.username()), origin.ip(),
                origin.userAgent(), Map.of("sessionsEnded", ended, "temporaryPassword", true));
        changes.subjectChanged(tenant.id(), id);
    }

    /** seed 004: regenerating an invite link invalidates the previous one. */
    @Transactional
    public String reinvite(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount user = editable(caller, tenant, id, "send a new invitation to");
        refuseIfService(user, "an invitation");
        MemberAccounts.refuseCredentials(user, "an invitation");
        if (!user.status().equals("INVITED")) {
            throw ApiException.conflict("user " + user.username() + " is " + user.status()
                    + "; only invited users get invitations (use password-reset for a new password)");
        }
        Instant now = clock.instant();
        Duration validity = scope.rules(tenant.id()).invitationValidity();
        String url = tokens.issue(tenant.id(), id, UserTokens.Purpose.INVITATION, validity, now);
        mails.invitation(tenant, user.email(), user.username(), url, now.plus(validity));
        audit.record(tenant.id(), "INVITATION_SENT", guard.actor(caller), UserEvents.target(id, user.username()), origin.ip(),
                origin.userAgent(), Map.of("expiresAt", now.plus(validity).toString(), "renewed", true));
        changes.subjectChanged(tenant.id(), id);
        return url;
    }

    /** seed 000, "remote logout": ends every session of the user. */
    @Transactional
    public int endSessions(Caller caller, TenantScope.Scoped tenant, UUID user, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount account = users.findForUpdate(tenant.id(), user)
                .orElseThrow(() -> ApiException.notFound("user " + user));
        guard.require(caller, "users.edit", user);
        guard.requireCovers(caller, "users.edit", user, "end the sessions of");
        int ended = sessions.endAll(tenant.id(), user, null, clock.instant(), "REVOKED");
        audit.record(tenant.id(), "SESSION_REVOKED", guard.actor(caller), UserEvents.target(user, account.username()),
                origin.ip(), origin.userAgent(), Map.of("sessionsEnded", ended, "all", true));
        changes.subjectChanged(tenant.id(), user);
        return ended;
    }

    /**
     * seed 000, "remote logout" of one device: ends one live session of the user, with the same
     * permission as ending them all. A session that is not a live one of this user here is 404.
     */
    @Transactional
    public void endSession(Caller caller, TenantScope.Scoped tenant, UUID user, UUID session, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount account = users.findForUpdate(tenant.id(), user)
                .orElseThrow(() -> ApiException.notFound("user " + user));
        guard.require(caller, "users.edit", user);
        guard.requireCovers(caller, "users.edit", user, "end the sessions of");
        Instant now = clock.instant();
        if (!userSessions.isLive(tenant.id(), user, session, now)
                || !sessions.endOf(tenant.id(), user, session, now, "REVOKED")) {
            throw ApiException.notFound("session " + session);
        }
        audit.record(tenant.id(), "SESSION_REVOKED", guard.actor(caller),
                new AuditLog.Target("session", session.toString(), account.username()), origin.ip(),
                origin.userAgent(), Map.of("by", "admin", "user", user.toString()));
        changes.subjectChanged(tenant.id(), user);
    }

    /**
     * An administrator resets another user's second factor (seed 000 "2FA", issue 4): users.edit on
     * that user, never on yourself (seed 004: another administrator must do it); audited MFA_RESET.
     * The second factors themselves are the authentication feature's.
     */
    @Transactional
    public void resetSecondFactor(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserGuard.notSelf(caller, id, "reset the second factor of");
        UserAccount user = users.findForUpdate(tenant.id(), id).orElseThrow(() -> ApiException.notFound("user " + id));
        guard.require(caller, "users.edit", id);
        guard.requireCovers(caller, "users.edit", id, "reset the second factor of");
        refuseIfService(user, "a second-factor reset");
        MemberAccounts.refuseCredentials(user, "a second-factor reset");
        if (!secondFactors.reset(tenant.id(), id, user.username(), guard.actor(caller), origin.ip(),
                origin.userAgent())) {
            throw ApiException.conflict("user " + user.username() + " has no second factor to reset");
        }
    }

    /**
     * Loads the user for a change of their credentials or lifecycle, row-locked, after checking the
     * caller may edit them wherever they hold a role and holds everything they hold.
     */
    private UserAccount editable(Caller caller, TenantScope.Scoped tenant, UUID id, String what) {
        UserAccount user = users.findForUpdate(tenant.id(), id)
                .orElseThrow(() -> ApiException.notFound("user " + id));
        guard.require(caller, "users.edit", id);
        guard.requireCovers(caller, "users.edit", id, what);
        return user;
    }

    private void revokeLinks(TenantScope.Scoped tenant, UUID id, Instant now) {
        tokens.revoke(tenant.id(), id, UserTokens.Purpose.INVITATION, now);
        tokens.revoke(tenant.id(), id, UserTokens.Purpose.PASSWORD_RESET, now);
    }

    /**
     * Back in service: active with a password, otherwise still to accept an invitation; a service
     * account, which never has a password nor an invitation (issue 12), is active.
     */
    private static String reactivated(UserAccount user) {
        return user.hasPassword() || isService(user) || user.member() ? "ACTIVE" : "INVITED";
    }

    private static boolean isService(UserAccount user) {
        return user.kind().equals("SERVICE");
    }

    /**
     * Issue 12: a service account never signs in interactively, so it has no password to reset, no
     * invitation to renew and no second factor; {@code what} is refused with 409 saying why.
     */
    private static void refuseIfService(UserAccount user, String what) {
        if (isService(user)) {
            throw ApiException.conflict("user " + user.username() + " is a service account, which never signs in"
                    + " interactively: it has no password, invitation or second factor, so " + what + " does not apply."
                    + " It calls with API keys or an OAuth client's token; revoke those to cut it off");
        }
    }

}
