package dev.gatehouse.server.users;

import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Page;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a user may do and where: their role assignments (seed 000, "different roles per location";
 * seed 000's time-bound access), the permissions those give them, and their live sessions.
 */
@Service
public class UserRoleService {

    private final UserStore users;
    private final UserAssignments held;
    private final Assignments assignments;
    private final UserSessions userSessions;
    private final Sessions sessions;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Access access;
    private final UserGuard guard;
    private final TenantScope scope;
    private final Clock clock;

    UserRoleService(UserStore users, UserAssignments held, Assignments assignments, UserSessions userSessions,
            Sessions sessions, AuditLog audit, AccessChanges changes, Access access, UserGuard guard,
            TenantScope scope, Clock clock) {
        this.users = users;
        this.held = held;
        this.assignments = assignments;
        this.userSessions = userSessions;
        this.sessions = sessions;
        this.audit = audit;
        this.changes = changes;
        this.access = access;
        this.guard = guard;
        this.scope = scope;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public Page<UserAssignments.Held> assignments(Caller caller, TenantScope.Scoped tenant, UUID user, int page,
            int size) {
        readable(caller, tenant, user);
        return new Page<>(held.page(tenant.id(), user, page, size), page, size, held.count(tenant.id(), user));
    }

    @Transactional
    public UserAssignments.Held assign(Caller caller, TenantScope.Scoped tenant, UUID user,
            UserService.RoleRequest request, UserService.Origin origin) {
        guard.requireAnywhere(caller, "roles.assign");
        // seed 004: "you can't change your own role".
        UserGuard.notSelf(caller, user, "change the roles of");
        UserAccount account = users.findForUpdate(tenant.id(), user)
                .orElseThrow(() -> ApiException.notFound("user " + user));
        TenantPolicy policy = access.policy(tenant.id())
                .orElseThrow(() -> ApiException.notFound("tenant " + tenant.slug()));
        AccountFields fields = new AccountFields();
        UserGuard.NewAssignment role = UserGuard.validate(policy, fields, "", request.role(), request.location(),
                request.startsAt(), request.expiresAt());
        fields.throwIfAny();
        Objects.requireNonNull(role);
        // Location-bound (seed 000: manager at A, front desk at B): roles.assign where the role is
        // handed out, no escalation, and the caller holds everything the user holds there.
        guard.requireAssign(caller, role.role(), role.location());
        guard.requireCoversAt(caller, user, role.location());
        Instant now = clock.instant();
        List<UserAssignments.Held> existing = held.of(tenant.id(), user);
        if (scope.rules(tenant.id()).singleRolePerUser()
                && existing.stream().anyMatch(a -> a.expiresAt() == null || a.expiresAt().isAfter(now))) {
            throw ApiException.conflict("this tenant allows one role per user (singleRolePerUser); revoke the"
                    + " current assignment first");
        }
        if (existing.stream().anyMatch(a -> a.role().equals(role.role()) && Objects.equals(a.location(), role.location())
                && Objects.equals(a.startsAt(), role.startsAt()) && Objects.equals(a.expiresAt(), role.expiresAt()))) {
            throw ApiException.conflict("user " + account.username() + " already holds " + role.role()
                    + (role.location() == null ? " tenant-wide" : " at " + role.location()) + " for that time");
        }
        UUID id = assignments.insert(tenant.id(), user, role.role(), UserService.uuid(role.location()),
                role.startsAt(), role.expiresAt(), "DIRECT", caller.userId());
        audit.record(tenant.id(), "ROLE_ASSIGNED", guard.actor(caller), UserService.target(user, account.username()),
                origin.ip(), origin.userAgent(),
                UserService.assignmentDetails(id, role.role(), role.location(), role.startsAt(), role.expiresAt()));
        changes.subjectChanged(tenant.id(), user);
        return held.find(tenant.id(), user, id).orElseThrow();
    }

    @Transactional
    public void revoke(Caller caller, TenantScope.Scoped tenant, UUID user, UUID assignmentId,
            UserService.Origin origin) {
        guard.requireAnywhere(caller, "roles.assign");
        UserGuard.notSelf(caller, user, "change the roles of");
        UserAccount account = users.findForUpdate(tenant.id(), user)
                .orElseThrow(() -> ApiException.notFound("user " + user));
        UserAssignments.Held assignment = held.find(tenant.id(), user, assignmentId)
                .orElseThrow(() -> ApiException.notFound("assignment " + assignmentId));
        guard.requireAssign(caller, assignment.role(), assignment.location());
        guard.requireCoversAt(caller, user, assignment.location());
        protectLastAdministrator(tenant, account, assignment);
        held.delete(tenant.id(), assignmentId);
        audit.record(tenant.id(), "ROLE_REVOKED", guard.actor(caller), UserService.target(user, account.username()),
                origin.ip(), origin.userAgent(), UserService.assignmentDetails(assignmentId, assignment.role(),
                        assignment.location(), assignment.startsAt(), assignment.expiresAt()));
        changes.subjectChanged(tenant.id(), user);
    }

    /** Revoking must not leave the tenant without an active holder of its admin role, tenant-wide. */
    private void protectLastAdministrator(TenantScope.Scoped tenant, UserAccount account,
            UserAssignments.Held assignment) {
        Instant now = clock.instant();
        if (tenant.adminRole() == null || !assignment.role().equals(tenant.adminRole())
                || assignment.location() != null || !assignment.validAt(now)) {
            return;
        }
        held.serialiseAdministratorChanges(tenant.id());
        boolean keepsIt = held.of(tenant.id(), account.id()).stream().anyMatch(a -> !a.id().equals(assignment.id())
                && a.role().equals(tenant.adminRole()) && a.location() == null && a.validAt(now));
        List<UUID> admins = held.activeHoldersTenantWide(tenant.id(), tenant.adminRole(), now);
        if (!keepsIt && admins.size() == 1 && admins.contains(account.id())) {
            throw ApiException.conflict("cannot revoke " + tenant.adminRole() + " from the tenant's last active "
                    + tenant.adminRole() + "; make someone else " + tenant.adminRole() + " first");
        }
    }

    @Transactional(readOnly = true)
    public List<EffectivePermission> permissions(Caller caller, TenantScope.Scoped tenant, UUID user,
            @Nullable String location) {
        readable(caller, tenant, user);
        String at = null;
        if (location != null && !location.isBlank()) {
            at = UserGuard.canonical(location.strip());
            TenantPolicy policy = access.policy(tenant.id())
                    .orElseThrow(() -> ApiException.notFound("tenant " + tenant.slug()));
            if (!policy.locations().contains(at)) {
                throw ApiException.badRequest("location", "unknown location");
            }
        }
        return access.effectivePermissions(tenant.id(), user, at);
    }

    @Transactional(readOnly = true)
    public Page<UserSessions.Live> sessions(Caller caller, TenantScope.Scoped tenant, UUID user, int page, int size) {
        readable(caller, tenant, user);
        Instant now = clock.instant();
        return new Page<>(userSessions.page(tenant.id(), user, now, page, size), page, size,
                userSessions.count(tenant.id(), user, now));
    }

    /** seed 000, "remote logout": ends every session of the user. */
    @Transactional
    public int endSessions(Caller caller, TenantScope.Scoped tenant, UUID user, UserService.Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount account = users.findForUpdate(tenant.id(), user)
                .orElseThrow(() -> ApiException.notFound("user " + user));
        guard.require(caller, "users.edit", user);
        guard.requireCovers(caller, "users.edit", user, "end the sessions of");
        int ended = sessions.endAll(tenant.id(), user, null, clock.instant(), "REVOKED");
        audit.record(tenant.id(), "SESSION_REVOKED", guard.actor(caller), UserService.target(user, account.username()),
                origin.ip(), origin.userAgent(), Map.of("sessionsEnded", ended, "all", true));
        changes.subjectChanged(tenant.id(), user);
        return ended;
    }

    /**
     * seed 000, "remote logout" of one device: ends one live session of the user, with the same
     * permission as ending them all. A session that is not a live one of this user here is 404.
     */
    @Transactional
    public void endSession(Caller caller, TenantScope.Scoped tenant, UUID user, UUID session,
            UserService.Origin origin) {
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

    private void readable(Caller caller, TenantScope.Scoped tenant, UUID user) {
        guard.requireReadAnywhere(caller, user);
        if (users.find(tenant.id(), user).isEmpty()) {
            throw ApiException.notFound("user " + user);
        }
        guard.requireRead(caller, user);
    }
}
