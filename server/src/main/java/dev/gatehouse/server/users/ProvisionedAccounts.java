package dev.gatehouse.server.users;

import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.audit.TrailCounts;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.AccountClosed;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accounts kept by an identity system outside Gatehouse through a provisioning protocol (SCIM,
 * issue 15): created active without a password or an invitation (the person signs in through the
 * tenant's identity provider), their names and addresses replaced, disabled and enabled again, and
 * the roles that source gives set to exactly a given set. Each act is the caller's — the API key's
 * owner — under the same engine checks as the users API (who may act on whom, no escalation), and
 * is audited with {@code source} naming the protocol. Assignments of any other source are never
 * touched here.
 */
@Service
public class ProvisionedAccounts {

    /** What a provisioning system sets on an account. */
    public record Fields(@Nullable String username, @Nullable String firstName, @Nullable String lastName,
            @Nullable String email, @Nullable String phone) {}

    /** A role the source gives: the role's key and where (null: tenant-wide). */
    public record SourcedRole(String role, @Nullable String location) {}

    private final UserStore users;
    private final UserAssignments held;
    private final Assignments assignments;
    private final Sessions sessions;
    private final UserTokens tokens;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Access access;
    private final UserGuard guard;
    private final TenantScope scope;
    private final LastAdministrator lastAdministrator;
    private final TrailCounts trail;
    private final Roster roster;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    ProvisionedAccounts(UserStore users, UserAssignments held, Assignments assignments, Sessions sessions,
            UserTokens tokens, AuditLog audit, AccessChanges changes, Access access, UserGuard guard, TenantScope scope,
            LastAdministrator lastAdministrator, TrailCounts trail, Roster roster,
            ApplicationEventPublisher events, Clock clock) {
        this.users = users;
        this.held = held;
        this.assignments = assignments;
        this.sessions = sessions;
        this.tokens = tokens;
        this.audit = audit;
        this.changes = changes;
        this.access = access;
        this.guard = guard;
        this.scope = scope;
        this.lastAdministrator = lastAdministrator;
        this.trail = trail;
        this.roster = roster;
        this.events = events;
        this.clock = clock;
    }

    /** The tenant's people (service accounts are applications, never provisioned), hidden ones too. */
    @Transactional(readOnly = true)
    public List<UserAccount> people(Caller caller, TenantId tenant) {
        requireReadEverywhere(caller);
        UserStore.Query everyone = new UserStore.Query(null, null, "HUMAN", null, null, null, null, clock.instant(), null,
                null);
        return users.page(tenant, everyone, new UserStore.Start.Skipping(0), Integer.MAX_VALUE);
    }

    /** One person of the tenant, or empty (unknown, another tenant's, or a service account). */
    @Transactional(readOnly = true)
    public Optional<UserAccount> person(Caller caller, TenantId tenant, UUID id) {
        requireReadEverywhere(caller);
        return users.find(tenant, id).filter(user -> !user.kind().equals("SERVICE"));
    }

    /** Creates an account, active or disabled, with no password and no invitation. */
    @Transactional
    public UUID create(Caller caller, TenantScope.Scoped tenant, Fields request, boolean active, String source,
            Origin origin) {
        guard.requireAnywhere(caller, "users.create");
        AccountFields fields = new AccountFields();
        String username = fields.username("userName", request.username());
        String firstName = fields.name("name.givenName", request.firstName());
        String lastName = fields.name("name.familyName", request.lastName());
        String email = fields.email("emails", request.email());
        String phone = fields.phone("phoneNumbers", request.phone());
        fields.throwIfAny();
        if (users.usernameTaken(tenant.id(), username)) {
            throw ApiException.conflict("the username " + username + " is taken in this tenant");
        }
        if (email != null && users.emailTaken(tenant.id(), email)) {
            throw ApiException.conflict("the e-mail address " + email + " belongs to another user of this tenant");
        }
        String status = active ? "ACTIVE" : "DISABLED";
        UUID id = users.insert(tenant.id(), new UserStore.NewUser(Objects.requireNonNull(username),
                Objects.requireNonNull(firstName), Objects.requireNonNull(lastName), email, phone, "HUMAN", status, null,
                List.of()), ClinicalProfile.EMPTY, false);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("roles", List.of());
        details.put("invited", false);
        details.put("kind", "HUMAN");
        details.put("status", status);
        details.put("source", source);
        audit.record(tenant.id(), "USER_CREATED", guard.actor(caller), UserEvents.target(id, username), origin.ip(),
                origin.userAgent(), details);
        changes.subjectChanged(tenant.id(), id);
        return id;
    }

    /**
     * Replaces the account's username, names, e-mail address and phone; a change of the username or
     * the e-mail address (the sign-in name, where reset links go) needs the caller to cover the user.
     */
    @Transactional
    public UserAccount update(Caller caller, TenantScope.Scoped tenant, UUID id, Fields request, String source,
            Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount current = person(tenant.id(), id);
        guard.require(caller, "users.edit", id);
        AccountFields fields = new AccountFields();
        String username = fields.username("userName", request.username());
        String firstName = fields.name("name.givenName", request.firstName());
        String lastName = fields.name("name.familyName", request.lastName());
        String email = fields.email("emails", request.email());
        String phone = fields.phone("phoneNumbers", request.phone());
        fields.throwIfAny();
        UserAccount.Editable before = current.editable();
        UserAccount.Editable after = new UserAccount.Editable(Objects.requireNonNull(username),
                Objects.requireNonNull(firstName), Objects.requireNonNull(lastName), email, phone, before.hidden(),
                before.profile(), before.expiresAt(), before.managerId());
        Map<String, Object> diff = UserPatch.diff(before, after);
        if (diff.isEmpty()) {
            return current;
        }
        if (diff.containsKey("username") && users.usernameTakenByAnother(tenant.id(), username, id)) {
            throw ApiException.conflict("the username " + username + " is taken in this tenant");
        }
        if (diff.containsKey("email") && email != null && users.emailTakenByAnother(tenant.id(), email, id)) {
            throw ApiException.conflict("the e-mail address " + email + " belongs to another user of this tenant");
        }
        if (diff.containsKey("email") || diff.containsKey("username")) {
            // ASVS 7.5.1: one's own e-mail address (where reset links go) changes only after proving a factor
            // again, which a key cannot; so a provisioning system never changes its key owner's sign-in name or address.
            UserGuard.notSelf(caller, id, "change the e-mail address or username of");
            guard.requireCovers(caller, "users.edit", id, "change the e-mail address or username of");
        }
        users.update(tenant.id(), id, after, clock.instant());
        audit.record(tenant.id(), "USER_UPDATED", guard.actor(caller), UserEvents.target(id, username), origin.ip(),
                origin.userAgent(), Map.of("changes", diff, "source", source));
        changes.subjectChanged(tenant.id(), id);
        return users.find(tenant.id(), id).orElseThrow();
    }

    /**
     * {@code active: false} disables the account (every session ends, as the users API's disable);
     * {@code true} enables a disabled one again. A locked account stays locked either way: a lock is
     * an administrator's act that provisioning does not undo. Nothing happens when already so.
     */
    @Transactional
    public UserAccount setActive(Caller caller, TenantScope.Scoped tenant, UUID id, boolean active, String source,
            Origin origin) {
        UserAccount user = person(tenant.id(), id);
        if (active && user.status().equals("DISABLED")) {
            guard.requireAnywhere(caller, "users.edit");
            guard.require(caller, "users.edit", id);
            guard.requireCovers(caller, "users.edit", id, "enable");
            users.setStatus(tenant.id(), id, "ACTIVE", clock.instant());
            audit.record(tenant.id(), "USER_ENABLED", guard.actor(caller), UserEvents.target(id, user.username()),
                    origin.ip(), origin.userAgent(), Map.of("status", "ACTIVE", "source", source));
            changes.subjectChanged(tenant.id(), id);
        } else if (!active && !user.status().equals("DISABLED") && !user.status().equals("LOCKED")) {
            guard.requireAnywhere(caller, "users.edit");
            UserGuard.notSelf(caller, id, "disable");
            guard.require(caller, "users.edit", id);
            guard.requireCovers(caller, "users.edit", id, "disable");
            lastAdministrator.protect(tenant, id, "disable");
            Instant now = clock.instant();
            users.setStatus(tenant.id(), id, "DISABLED", now);
            int ended = sessions.endAll(tenant.id(), id, null, now, "USER_DISABLED");
            tokens.revoke(tenant.id(), id, UserTokens.Purpose.INVITATION, now);
            tokens.revoke(tenant.id(), id, UserTokens.Purpose.PASSWORD_RESET, now);
            audit.record(tenant.id(), "USER_DISABLED", guard.actor(caller), UserEvents.target(id, user.username()),
                    origin.ip(), origin.userAgent(), Map.of("previousStatus", user.status(), "sessionsEnded", ended,
                            "source", source));
            changes.subjectChanged(tenant.id(), id);
            // As the users API's disable: the features holding the user's credentials end them here.
            events.publishEvent(new AccountClosed(tenant.id(), id, user.kind(), "DISABLED", caller, origin));
        }
        return users.find(tenant.id(), id).orElseThrow();
    }

    /**
     * Removes the account when Gatehouse's rules let the caller delete it — the tenant owner, an
     * account nothing is attributed to (seed 004) — and otherwise disables it, so that its history
     * stays attributed.
     *
     * @return true when deleted, false when disabled instead
     */
    @Transactional
    public boolean remove(Caller caller, TenantScope.Scoped tenant, UUID id, String source, Origin origin) {
        UserAccount user = person(tenant.id(), id);
        Instant now = clock.instant();
        boolean owner = tenant.adminRole() != null && held.of(tenant.id(), caller.userId()).stream()
                .anyMatch(a -> a.role().equals(tenant.adminRole()) && a.location() == null && a.validAt(now));
        boolean deletable = owner && !caller.userId().equals(id) && !trail.hasActed(tenant.id(), id)
                && !sessions.anyOf(tenant.id(), id) && guard.allows(caller, "users.delete", id);
        if (deletable) {
            roster.delete(caller, tenant, id, origin);
            return true;
        }
        if (!user.status().equals("DISABLED")) {
            setActive(caller, tenant, id, false, source, origin);
        }
        return false;
    }

    /**
     * Sets the user's assignments of {@code source} to exactly {@code wanted}: adds the missing ones
     * and revokes those no longer given, each under the users API's rules for a role change (never
     * one's own roles, {@code roles.assign} where it holds, no escalation, covering the user there,
     * never the last administrator). Assignments of other sources are left alone.
     *
     * @return whether anything changed
     */
    @Transactional
    public boolean setSourcedRoles(Caller caller, TenantScope.Scoped tenant, UUID user, Set<SourcedRole> wanted,
            String source, Origin origin) {
        UserAccount account = person(tenant.id(), user);
        TenantPolicy policy = access.policy(tenant.id())
                .orElseThrow(() -> ApiException.notFound("tenant " + tenant.slug()));
        List<UserAssignments.Held> current = held.of(tenant.id(), user);
        Set<SourcedRole> have = new LinkedHashSet<>();
        List<UserAssignments.Held> revoke = new ArrayList<>();
        for (UserAssignments.Held assignment : current) {
            if (!assignment.source().equals(source)) {
                continue;
            }
            SourcedRole role = new SourcedRole(assignment.role(), assignment.location());
            if (wanted.contains(role) && have.add(role)) {
                continue;
            }
            revoke.add(assignment);
        }
        List<SourcedRole> add = wanted.stream().filter(role -> !have.contains(role)).toList();
        if (add.isEmpty() && revoke.isEmpty()) {
            return false;
        }
        // seed 004: "you can't change your own role", not through a provisioning system either.
        UserGuard.notSelf(caller, user, "change the roles of");
        AuditLog.Actor actor = guard.actor(caller);
        AuditLog.Target target = UserEvents.target(user, account.username());
        for (UserAssignments.Held assignment : revoke) {
            guard.requireAssign(caller, assignment.role(), assignment.location());
            guard.requireCoversAt(caller, user, assignment.location());
            lastAdministrator.protectRevoking(tenant, user, assignment);
            held.delete(tenant.id(), assignment.id());
            Map<String, Object> details = UserEvents.assignmentDetails(assignment.id(), assignment.role(),
                    assignment.location(), assignment.startsAt(), assignment.expiresAt());
            details.put("source", source);
            audit.record(tenant.id(), "ROLE_REVOKED", actor, target, origin.ip(), origin.userAgent(), details);
        }
        if (!add.isEmpty() && scope.rules(tenant.id()).singleRolePerUser()
                && held.of(tenant.id(), user).size() + add.size() > 1) {
            throw ApiException.conflict("this tenant allows one role per user (singleRolePerUser); user "
                    + account.username() + " would hold more than one");
        }
        for (SourcedRole role : add) {
            AccountFields fields = new AccountFields();
            UserGuard.NewAssignment checked = UserGuard.validate(policy, fields, "", role.role(), role.location(),
                    null, null);
            fields.throwIfAny();
            Objects.requireNonNull(checked);
            guard.requireAssign(caller, checked.role(), checked.location());
            guard.requireCoversAt(caller, user, checked.location());
            UUID id = assignments.insert(tenant.id(), user, checked.role(), checked.locationId(), null, null, source,
                    caller.userId());
            Map<String, Object> details = UserEvents.assignmentDetails(id, checked.role(), checked.location(), null,
                    null);
            details.put("source", source);
            audit.record(tenant.id(), "ROLE_ASSIGNED", actor, target, origin.ip(), origin.userAgent(), details);
        }
        changes.subjectChanged(tenant.id(), user);
        return true;
    }

    /**
     * A provisioning system sees the whole tenant (it finds people by userName before creating them),
     * so it needs {@code users.read} tenant-wide: one who reads users only at some locations would
     * otherwise learn of everyone.
     */
    private void requireReadEverywhere(Caller caller) {
        guard.requireAnywhere(caller, "users.read");
        boolean everywhere = access.effectivePermissions(caller, null).stream()
                .anyMatch(permission -> permission.permission().equals("users.read") && permission.everywhere());
        if (!everywhere) {
            throw ApiException.forbidden("provisioning reads the whole tenant's people: it needs users.read tenant-wide,"
                    + " not only at some locations");
        }
    }

    private UserAccount person(TenantId tenant, UUID id) {
        return users.findForUpdate(tenant, id).filter(user -> !user.kind().equals("SERVICE"))
                .orElseThrow(() -> ApiException.notFound("user " + id));
    }
}
