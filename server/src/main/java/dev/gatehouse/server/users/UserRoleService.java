package dev.gatehouse.server.users;

import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a user may do and where: their role assignments (seed 000, "different roles per location";
 * seed 000's time-bound access), the permissions those give them, and their live sessions (ending
 * them is the {@link AccountLifecycle}'s).
 */
@Service
public class UserRoleService {

    private final UserStore users;
    private final UserAssignments held;
    private final Assignments assignments;
    private final UserSessions userSessions;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Access access;
    private final UserGuard guard;
    private final TenantScope scope;
    private final Clock clock;
    private final LastAdministrator lastAdministrator;

    UserRoleService(UserStore users, UserAssignments held, Assignments assignments, UserSessions userSessions,
            AuditLog audit, AccessChanges changes, Access access, UserGuard guard, TenantScope scope, Clock clock,
            LastAdministrator lastAdministrator) {
        this.users = users;
        this.held = held;
        this.assignments = assignments;
        this.userSessions = userSessions;
        this.audit = audit;
        this.changes = changes;
        this.access = access;
        this.guard = guard;
        this.scope = scope;
        this.clock = clock;
        this.lastAdministrator = lastAdministrator;
    }

    @Transactional(readOnly = true)
    public Page<UserAssignments.Held> assignments(Caller caller, TenantScope.Scoped tenant, UUID user, int page,
            int size) {
        readable(caller, tenant, user);
        return new Page<>(held.page(tenant.id(), user, page, size), page, size, held.count(tenant.id(), user));
    }

    @Transactional
    public UserAssignments.Held assign(Caller caller, TenantScope.Scoped tenant, UUID user,
            Roster.RoleRequest request, Origin origin) {
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
        UUID id = assignments.insert(tenant.id(), user, role.role(), role.locationId(),
                role.startsAt(), role.expiresAt(), "DIRECT", caller.userId());
        audit.record(tenant.id(), "ROLE_ASSIGNED", guard.actor(caller), UserEvents.target(user, account.username()),
                origin.ip(), origin.userAgent(),
                UserEvents.assignmentDetails(id, role.role(), role.location(), role.startsAt(), role.expiresAt()));
        changes.subjectChanged(tenant.id(), user);
        return held.find(tenant.id(), user, id).orElseThrow();
    }

    @Transactional
    public void revoke(Caller caller, TenantScope.Scoped tenant, UUID user, UUID assignmentId,
            Origin origin) {
        guard.requireAnywhere(caller, "roles.assign");
        UserGuard.notSelf(caller, user, "change the roles of");
        UserAccount account = users.findForUpdate(tenant.id(), user)
                .orElseThrow(() -> ApiException.notFound("user " + user));
        UserAssignments.Held assignment = held.find(tenant.id(), user, assignmentId)
                .orElseThrow(() -> ApiException.notFound("assignment " + assignmentId));
        guard.requireAssign(caller, assignment.role(), assignment.location());
        guard.requireCoversAt(caller, user, assignment.location());
        if (assignment.source().equals(TypeRoles.SOURCE)) {
            throw ApiException.conflict("the role " + assignment.role() + " comes with the user's type; change"
                    + " the type (PATCH …/users/" + user + " {userType}) or what the type grants instead");
        }
        lastAdministrator.protectRevoking(tenant, user, assignment);
        held.delete(tenant.id(), assignmentId);
        audit.record(tenant.id(), "ROLE_REVOKED", guard.actor(caller), UserEvents.target(user, account.username()),
                origin.ip(), origin.userAgent(), UserEvents.assignmentDetails(assignmentId, assignment.role(),
                        assignment.location(), assignment.startsAt(), assignment.expiresAt()));
        changes.subjectChanged(tenant.id(), user);
    }

    /**
     * Issue 13: an access review's REVOKE, a reviewer's or the due date's default, removes the
     * assignment at once. The review is the authority (its creator holds access_reviews.manage and
     * the item was this reviewer's), so no roles.assign is asked of {@code actor}; the tenant's last
     * administrator keeps their admin role (answered, not thrown, so a due-date run that meets it
     * goes on). Audited as ROLE_REVOKED naming the review, and every node's profile of the user is
     * invalidated.
     */
    @Transactional
    public ReviewedRevocation revokeReviewed(TenantScope.Scoped tenant, UUID user, UUID assignmentId,
            AuditLog.Actor actor, Origin origin, UUID review) {
        UserAccount account = users.findForUpdate(tenant.id(), user).orElse(null);
        UserAssignments.Held assignment = account == null ? null
                : held.find(tenant.id(), user, assignmentId).orElse(null);
        if (account == null || assignment == null) {
            return ReviewedRevocation.ALREADY_GONE;
        }
        try {
            lastAdministrator.protectRevoking(tenant, user, assignment);
        } catch (ApiException lastAdministratorsRole) {
            return ReviewedRevocation.LAST_ADMINISTRATOR;
        }
        held.delete(tenant.id(), assignmentId);
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>(UserEvents.assignmentDetails(assignmentId,
                assignment.role(), assignment.location(), assignment.startsAt(), assignment.expiresAt()));
        details.put("accessReview", review.toString());
        audit.record(tenant.id(), "ROLE_REVOKED", actor, UserEvents.target(user, account.username()), origin.ip(),
                origin.userAgent(), details);
        changes.subjectChanged(tenant.id(), user);
        return ReviewedRevocation.REVOKED;
    }

    /** What {@link #revokeReviewed} did. */
    public enum ReviewedRevocation { REVOKED, ALREADY_GONE, LAST_ADMINISTRATOR }

    /**
     * Whether the caller may hand out {@code role} at {@code location} (tenant-wide when null):
     * roles.assign there and nothing the role grants beyond the caller's own access, as for an
     * assignment; for rules that will assign it later (issue 15: an identity provider's mappings).
     *
     * @throws ApiException 403 when not
     */
    public void requireMayGrant(Caller caller, String role, @Nullable String location) {
        guard.requireAssign(caller, role, location);
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

    private void readable(Caller caller, TenantScope.Scoped tenant, UUID user) {
        guard.requireReadAnywhere(caller, user);
        if (users.find(tenant.id(), user).isEmpty()) {
            throw ApiException.notFound("user " + user);
        }
        guard.requireRead(caller, user);
    }
}
