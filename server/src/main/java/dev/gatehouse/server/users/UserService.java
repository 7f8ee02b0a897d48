package dev.gatehouse.server.users;

import jakarta.servlet.http.HttpServletRequest;
import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.PasswordPolicy;
import dev.gatehouse.server.authentication.Reauthentication;
import dev.gatehouse.server.authentication.Passwords;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * User accounts: creation with roles and an invitation or an admin-set password, the roster, edits,
 * and the lifecycle of seeds 000, 003 and 004 (lock, unlock, disable, enable, reset, re-invite,
 * guarded delete). Each change and its audit event commit together, and tell the access caches.
 */
@Service
public class UserService {

    /** seed 004: "The invite link is a one-use, 48-hour token." */
    /** Defaults of the tenant settings invitationHours and resetLinkMinutes (seed 004: 48 hours). */
    static final Duration INVITATION_VALIDITY = Duration.ofHours(48);
    /** A reset link is short-lived: it stands in for the password until used. */
    static final Duration RESET_VALIDITY = Duration.ofHours(1);

    private static final Set<String> STATUSES = Set.of("INVITED", "ACTIVE", "DISABLED", "LOCKED");

    /** Where a request came from, for the audit trail. */
    public record Origin(@Nullable String ip, @Nullable String userAgent) {

        /** The request's address and user agent. */
        public static Origin of(HttpServletRequest request) {
            return new Origin(request.getRemoteAddr(), request.getHeader("User-Agent"));
        }
    }

    public record RoleRequest(@Nullable String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt) {}

    public record ProfileRequest(@Nullable String npi, @Nullable String dea, @Nullable String stateLicense,
            @Nullable String primaryLicense, @Nullable String secondaryLicense, @Nullable String nadean,
            @Nullable List<String> credentials, @Nullable List<String> specialties, @Nullable String bio) {}

    public record CreateRequest(@Nullable String username, @Nullable String firstName, @Nullable String lastName,
            @Nullable String email, @Nullable String phone, @Nullable String kind, @Nullable String password,
            @Nullable Boolean invite, @Nullable Boolean hidden, @Nullable List<RoleRequest> roles,
            @Nullable ProfileRequest profile) {}

    public record Created(UUID id, String username, String status, @Nullable String invitationUrl) {}

    /**
     * What the caller may do to one user, by the same engine decisions the actions make, so that a
     * screen offers only the actions that would be allowed; {@code self} marks the caller's own
     * account, which they may not lock, disable, reset, delete or re-role (seed 004); {@code covers}
     * whether the caller holds everything the user holds, without which no credential or lifecycle
     * action is theirs to take (docs/security.md, "Who may act on whom").
     */
    public record Allowed(boolean edit, boolean assignRoles, boolean delete, boolean self, boolean covers) {}

    /** The list filters as given; checked here against the tenant. */
    public record Filter(@Nullable String q, @Nullable String status, @Nullable String role, @Nullable String location,
            @Nullable String hidden) {}

    private final UserStore users;
    private final UserAssignments held;
    private final Assignments assignments;
    private final UserTokens tokens;
    private final Sessions sessions;
    private final Passwords passwords;
    private final PasswordPolicy passwordPolicy;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Access access;
    private final UserGuard guard;
    private final TenantScope scope;
    private final AccountMails mails;
    private final Clock clock;
    private final Reauthentication reauthentication;

    UserService(UserStore users, UserAssignments held, Assignments assignments, UserTokens tokens, Sessions sessions,
            Passwords passwords, PasswordPolicy passwordPolicy, AuditLog audit, AccessChanges changes, Access access,
            UserGuard guard, TenantScope scope, AccountMails mails, Clock clock, Reauthentication reauthentication) {
        this.reauthentication = reauthentication;
        this.passwordPolicy = passwordPolicy;
        this.users = users;
        this.held = held;
        this.assignments = assignments;
        this.tokens = tokens;
        this.sessions = sessions;
        this.passwords = passwords;
        this.audit = audit;
        this.changes = changes;
        this.access = access;
        this.guard = guard;
        this.scope = scope;
        this.mails = mails;
        this.clock = clock;
    }

    @Transactional
    public Created create(Caller caller, TenantScope.Scoped tenant, CreateRequest request, Origin origin) {
        guard.requireAnywhere(caller, "users.create");
        TenantPolicy policy = policy(tenant);
        AccountFields fields = new AccountFields();
        String username = fields.username("username", request.username());
        String firstName = fields.name("firstName", request.firstName());
        String lastName = fields.name("lastName", request.lastName());
        String email = fields.email("email", request.email());
        String phone = fields.phone("phone", request.phone());
        String kind = fields.kind("kind", request.kind());
        ClinicalProfile profile = profile(fields, request.profile());
        List<UserGuard.NewAssignment> roles = roles(policy, fields, request.roles());
        boolean invite = request.password() == null;
        if (request.password() != null && Boolean.TRUE.equals(request.invite())) {
            fields.reject("invite", "an invitation and an admin-set password exclude each other; send one");
        }
        fields.throwIfAny();
        TenantScope.Rules rules = scope.rules(tenant.id());
        if (request.password() != null) {
            passwordPolicy.requireForNewUser("password", request.password(), tenant.id(), username, email);
        }
        // The new user will be wherever their roles hold; creating them there, and giving each role
        // there, are the caller's to do (seed 000: a manager "cannot ... change roles").
        for (Resource where : UserGuard.resourcesOfNew(roles)) {
            guard.require(caller, "users.create", where);
        }
        for (UserGuard.NewAssignment role : roles) {
            guard.requireAssign(caller, role.role(), role.location());
        }
        if (rules.singleRolePerUser() && roles.size() > 1) {
            throw ApiException.conflict("this tenant allows one role per user (singleRolePerUser)");
        }
        if (users.usernameTaken(tenant.id(), username)) {
            throw ApiException.conflict("the username " + username + " is taken in this tenant");
        }
        if (email != null && users.emailTaken(tenant.id(), email)) {
            throw ApiException.conflict("the e-mail address " + email + " belongs to another user of this tenant");
        }
        String hash = request.password() == null ? null : passwords.hash(request.password());
        Instant now = clock.instant();
        UUID id = users.insert(tenant.id(), new UserStore.NewUser(username, firstName, lastName, email, phone, kind,
                invite ? "INVITED" : "ACTIVE", hash,
                // seed 001: a password set by someone else is changed at first sign-in.
                invite ? List.of() : List.of("CHANGE_PASSWORD")),
                profile, Boolean.TRUE.equals(request.hidden()));
        if (hash != null) {
            passwordPolicy.recordChange(tenant.id(), id, hash, now);
        }
        AuditLog.Actor actor = guard.actor(caller);
        AuditLog.Target target = target(id, username);
        audit.record(tenant.id(), "USER_CREATED", actor, target, origin.ip(), origin.userAgent(),
                Map.of("roles", UserGuard.describe(roles), "invited", invite, "kind", kind));
        for (UserGuard.NewAssignment role : roles) {
            UUID assignment = assignments.insert(tenant.id(), id, role.role(), uuid(role.location()), role.startsAt(),
                    role.expiresAt(), invite ? "INVITE" : "DIRECT", caller.userId());
            audit.record(tenant.id(), "ROLE_ASSIGNED", actor, target, origin.ip(), origin.userAgent(),
                    assignmentDetails(assignment, role.role(), role.location(), role.startsAt(), role.expiresAt()));
        }
        String invitationUrl = null;
        if (invite) {
            Duration validity = rules.invitationValidity();
            invitationUrl = tokens.issue(tenant.id(), id, UserTokens.Purpose.INVITATION, validity, now);
            mails.invitation(tenant.id(), email, username, invitationUrl, now.plus(validity));
            audit.record(tenant.id(), "INVITATION_SENT", actor, target, origin.ip(), origin.userAgent(),
                    Map.of("expiresAt", now.plus(validity).toString()));
        }
        changes.subjectChanged(tenant.id(), id);
        return new Created(id, username, invite ? "INVITED" : "ACTIVE", invitationUrl);
    }

    @Transactional(readOnly = true)
    public UserAccount get(Caller caller, TenantScope.Scoped tenant, UUID id) {
        guard.requireReadAnywhere(caller, id);
        UserAccount user = users.find(tenant.id(), id).orElseThrow(() -> ApiException.notFound("user " + id));
        guard.requireRead(caller, id);
        return user;
    }

    /** Which actions on {@code id} the caller holds the permissions for; each action still checks itself. */
    @Transactional(readOnly = true)
    public Allowed allowed(Caller caller, TenantScope.Scoped tenant, UUID id) {
        get(caller, tenant, id);
        return new Allowed(guard.allows(caller, "users.edit", id), guard.allows(caller, "roles.assign", id),
                guard.allows(caller, "users.delete", id), caller.userId().equals(id), guard.covers(caller, id));
    }

    /**
     * The roster. Seed 003: hidden users do not appear in user lists, so by default the list holds
     * the visible ones; {@code hidden=true} lists only hidden users, {@code hidden=any} everyone.
     * A reader whose {@code users.read} reaches only some locations sees the users with a current or
     * coming role there and none tenant-wide: exactly those they could open one by one.
     */
    @Transactional(readOnly = true)
    public Page<UserAccount> list(Caller caller, TenantScope.Scoped tenant, Filter filter, int page, int size) {
        guard.requireAnywhere(caller, "users.read");
        TenantPolicy policy = policy(tenant);
        AccountFields fields = new AccountFields();
        String text = filter.q() == null || filter.q().isBlank() ? null : filter.q().strip();
        if (text != null && text.length() > 200) {
            fields.reject("q", "must be at most 200 characters");
        }
        if (filter.status() != null && !STATUSES.contains(filter.status())) {
            fields.reject("status", "must be one of INVITED, ACTIVE, DISABLED, LOCKED");
        }
        if (filter.role() != null && policy.role(filter.role()).isEmpty()) {
            fields.reject("role", "unknown role");
        }
        if (filter.location() != null && !policy.locations().contains(filter.location())) {
            fields.reject("location", "unknown location");
        }
        Boolean hidden = switch (filter.hidden() == null ? "false" : filter.hidden()) {
            case "false" -> Boolean.FALSE;
            case "true" -> Boolean.TRUE;
            case "any" -> null;
            default -> {
                fields.reject("hidden", "must be true, false or any");
                yield Boolean.FALSE;
            }
        };
        fields.throwIfAny();
        List<String> at = filter.location() == null ? null : policy.locations().subtree(filter.location());
        UserStore.Query query = new UserStore.Query(text, filter.status(), filter.role(), at, hidden,
                visibleLocations(caller, policy), clock.instant());
        return new Page<>(users.page(tenant.id(), query, page, size), page, size, users.count(tenant.id(), query));
    }

    /** Null: every user; otherwise the locations (with everything below them) where the caller reads users. */
    private @Nullable List<String> visibleLocations(Caller caller, TenantPolicy policy) {
        EffectivePermission read = access.effectivePermissions(caller.tenant(), caller.userId(), null).stream()
                .filter(p -> p.permission().equals("users.read")).findFirst().orElse(null);
        if (read != null && read.everywhere()) {
            return null;
        }
        Set<String> visible = new LinkedHashSet<>();
        if (read != null && read.scope() == Scope.LOCATION) {
            for (String location : read.locations()) {
                visible.addAll(policy.locations().subtree(location));
            }
        }
        return List.copyOf(visible);
    }

    @Transactional
    public UserAccount update(Caller caller, TenantScope.Scoped tenant, UUID id,
            JsonNode body, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount current = users.findForUpdate(tenant.id(), id)
                .orElseThrow(() -> ApiException.notFound("user " + id));
        guard.require(caller, "users.edit", id);
        UserAccount.Editable before = current.editable();
        UserAccount.Editable after = UserPatch.apply(before, body);
        if (!Usernames.normalize(after.username()).equals(Usernames.normalize(before.username()))
                && users.usernameTakenByAnother(tenant.id(), after.username(), id)) {
            throw ApiException.conflict("the username " + after.username() + " is taken in this tenant");
        }
        if (after.email() != null && !after.email().equalsIgnoreCase(Objects.toString(before.email(), ""))
                && users.emailTakenByAnother(tenant.id(), after.email(), id)) {
            throw ApiException.conflict("the e-mail address " + after.email()
                    + " belongs to another user of this tenant");
        }
        Map<String, Object> diff = UserPatch.diff(before, after);
        if (diff.isEmpty()) {
            return current;
        }
        // Who may act on whom: the e-mail address is where reset links go and the username is the
        // sign-in name, so changing them is taking over the account unless the caller holds all it holds.
        if (diff.containsKey("email") || diff.containsKey("username")) {
            guard.requireCovers(caller, "users.edit", id, "change the e-mail address or username of");
        }
        // ASVS 7.5.1: changing your own e-mail (where reset links go) needs a recent proof of a factor.
        if (caller.userId().equals(id) && diff.containsKey("email")) {
            reauthentication.require(caller);
        }
        users.update(tenant.id(), id, after, clock.instant());
        audit.record(tenant.id(), "USER_UPDATED", guard.actor(caller), target(id, after.username()), origin.ip(),
                origin.userAgent(), Map.of("changes", diff));
        changes.subjectChanged(tenant.id(), id);
        return users.find(tenant.id(), id).orElseThrow();
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
        protectLastAdministrator(tenant, id, "lock");
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
        audit.record(tenant.id(), action, guard.actor(caller), target(id, user.username()), origin.ip(),
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
        audit.record(tenant.id(), "USER_UNLOCKED", guard.actor(caller), target(id, user.username()), origin.ip(),
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
        audit.record(tenant, "BREAK_GLASS", operator, target(id, user.username()), origin.ip(), origin.userAgent(),
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
        protectLastAdministrator(tenant, id, "disable");
        return shutOut(caller, tenant, user, "DISABLED", "USER_DISABLED", origin);
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
        audit.record(tenant.id(), "USER_ENABLED", guard.actor(caller), target(id, user.username()), origin.ip(),
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
        if (user.status().equals("INVITED")) {
            throw ApiException.conflict("user " + user.username()
                    + " has not accepted their invitation yet; send a new invitation instead");
        }
        Instant now = clock.instant();
        ResetLink link = resetLink(tenant.id(), user, now);
        int ended = sessions.endAll(tenant.id(), id, null, now, "PASSWORD_RESET");
        audit.record(tenant.id(), "PASSWORD_RESET", guard.actor(caller), target(id, user.username()), origin.ip(),
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
        audit.record(tenant.id(), "PASSWORD_RESET", guard.actor(caller), target(id, user.username()), origin.ip(),
                origin.userAgent(), Map.of("sessionsEnded", ended, "temporaryPassword", true));
        changes.subjectChanged(tenant.id(), id);
    }

    /** seed 004: regenerating an invite link invalidates the previous one. */
    @Transactional
    public String reinvite(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount user = editable(caller, tenant, id, "send a new invitation to");
        if (!user.status().equals("INVITED")) {
            throw ApiException.conflict("user " + user.username() + " is " + user.status()
                    + "; only invited users get invitations (use password-reset for a new password)");
        }
        Instant now = clock.instant();
        Duration validity = scope.rules(tenant.id()).invitationValidity();
        String url = tokens.issue(tenant.id(), id, UserTokens.Purpose.INVITATION, validity, now);
        mails.invitation(tenant.id(), user.email(), user.username(), url, now.plus(validity));
        audit.record(tenant.id(), "INVITATION_SENT", guard.actor(caller), target(id, user.username()), origin.ip(),
                origin.userAgent(), Map.of("expiresAt", now.plus(validity).toString(), "renewed", true));
        changes.subjectChanged(tenant.id(), id);
        return url;
    }

    /**
     * Deleting is for mistakes only: by the tenant owner, and only for an account nothing is
     * attributed to. seed 004: offboarding locks, so that every prior action stays attributed.
     */
    @Transactional
    public void delete(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        guard.requireAnywhere(caller, "users.delete");
        UserGuard.notSelf(caller, id, "delete");
        UserAccount user = users.findForUpdate(tenant.id(), id)
                .orElseThrow(() -> ApiException.notFound("user " + id));
        guard.require(caller, "users.delete", id);
        guard.requireCovers(caller, "users.delete", id, "delete");
        Instant now = clock.instant();
        boolean owner = tenant.adminRole() != null && held.of(tenant.id(), caller.userId()).stream()
                .anyMatch(a -> a.role().equals(tenant.adminRole()) && a.location() == null && a.validAt(now));
        if (!owner) {
            throw ApiException.forbidden("only the tenant owner (holding " + tenant.adminRole()
                    + " tenant-wide) deletes users");
        }
        protectLastAdministrator(tenant, id, "delete");
        if (users.hasActivity(tenant.id(), id)) {
            throw ApiException.conflict("user " + user.username() + " has recorded activity; deleting them would"
                    + " orphan their history, so lock the account instead (POST …/users/" + id + "/lock)");
        }
        List<String> roles = held.of(tenant.id(), id).stream()
                .map(a -> a.location() == null ? a.role() : a.role() + "@" + a.location()).toList();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("username", user.username());
        details.put("status", user.status());
        details.put("roles", roles);
        audit.record(tenant.id(), "USER_DELETED", guard.actor(caller), target(id, user.username()), origin.ip(),
                origin.userAgent(), details);
        users.delete(tenant.id(), id);
        changes.subjectChanged(tenant.id(), id);
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

    /**
     * The tenant never loses its last administrator: the last active holder of the pack's admin
     * role (tenant-wide) cannot be locked, disabled or deleted.
     */
    void protectLastAdministrator(TenantScope.Scoped tenant, UUID user, String action) {
        if (tenant.adminRole() == null) {
            return;
        }
        held.serialiseAdministratorChanges(tenant.id());
        List<UUID> admins = held.activeHoldersTenantWide(tenant.id(), tenant.adminRole(), clock.instant());
        if (admins.size() == 1 && admins.contains(user)) {
            throw ApiException.conflict("cannot " + action + " the tenant's last active " + tenant.adminRole()
                    + "; make someone else " + tenant.adminRole() + " first");
        }
    }

    private void revokeLinks(TenantScope.Scoped tenant, UUID id, Instant now) {
        tokens.revoke(tenant.id(), id, UserTokens.Purpose.INVITATION, now);
        tokens.revoke(tenant.id(), id, UserTokens.Purpose.PASSWORD_RESET, now);
    }

    /** Back in service: active with a password, otherwise still to accept an invitation. */
    private static String reactivated(UserAccount user) {
        return user.hasPassword() ? "ACTIVE" : "INVITED";
    }

    private TenantPolicy policy(TenantScope.Scoped tenant) {
        return access.policy(tenant.id()).orElseThrow(() -> ApiException.notFound("tenant " + tenant.slug()));
    }

    private static ClinicalProfile profile(AccountFields fields, @Nullable ProfileRequest request) {
        if (request == null) {
            return ClinicalProfile.EMPTY;
        }
        return new ClinicalProfile(fields.npi("profile.npi", request.npi()), fields.dea("profile.dea", request.dea()),
                fields.license("profile.stateLicense", request.stateLicense()),
                fields.license("profile.primaryLicense", request.primaryLicense()),
                fields.license("profile.secondaryLicense", request.secondaryLicense()),
                fields.license("profile.nadean", request.nadean()),
                fields.list("profile.credentials", request.credentials(), AccountFields.MAX_CREDENTIAL),
                fields.list("profile.specialties", request.specialties(), AccountFields.MAX_SPECIALTY),
                fields.bio("profile.bio", request.bio()));
    }

    private static List<UserGuard.NewAssignment> roles(TenantPolicy policy, AccountFields fields,
            @Nullable List<RoleRequest> requested) {
        List<UserGuard.NewAssignment> roles = new ArrayList<>();
        if (requested == null) {
            return roles;
        }
        if (requested.size() > 50) {
            fields.reject("roles", "may hold at most 50 assignments");
            return roles;
        }
        for (int i = 0; i < requested.size(); i++) {
            RoleRequest role = requested.get(i);
            String prefix = "roles[" + i + "].";
            if (role == null) {
                fields.reject("roles[" + i + "]", "must be an object");
                continue;
            }
            UserGuard.NewAssignment checked = UserGuard.validate(policy, fields, prefix, role.role(), role.location(),
                    role.startsAt(), role.expiresAt());
            if (checked == null) {
                continue;
            }
            if (roles.contains(checked)) {
                fields.reject("roles[" + i + "]", "repeats an earlier assignment");
                continue;
            }
            roles.add(checked);
        }
        return roles;
    }

    static Map<String, Object> assignmentDetails(UUID assignment, String role, @Nullable String location,
            @Nullable Instant startsAt, @Nullable Instant expiresAt) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("assignmentId", assignment.toString());
        details.put("role", role);
        if (location != null) {
            details.put("location", location);
        }
        if (startsAt != null) {
            details.put("startsAt", startsAt.toString());
        }
        if (expiresAt != null) {
            details.put("expiresAt", expiresAt.toString());
        }
        return details;
    }

    static AuditLog.Target target(UUID id, String username) {
        return new AuditLog.Target("user", id.toString(), username);
    }

    static @Nullable UUID uuid(@Nullable String location) {
        return location == null ? null : UUID.fromString(location);
    }
}
