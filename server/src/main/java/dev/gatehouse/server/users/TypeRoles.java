package dev.gatehouse.server.users;

import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.usertypes.UserTypeEvents;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The base roles a user holds for their type (seed 003: "User Type (determines base permissions)"):
 * tenant-wide assignments with source {@code USER_TYPE}, given when the user gets the type, taken
 * when they lose it or the type stops granting the role, and never revoked by hand (409). Each
 * change is audited as ROLE_ASSIGNED / ROLE_REVOKED with {@code source: USER_TYPE}, in the
 * transaction of the change that caused it.
 */
@Component
class TypeRoles {

    static final String SOURCE = "USER_TYPE";

    private final UserStore users;
    private final UserAssignments held;
    private final Assignments assignments;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Access access;
    private final Actors actors;

    TypeRoles(UserStore users, UserAssignments held, Assignments assignments, AuditLog audit, AccessChanges changes,
            Access access, Actors actors) {
        this.users = users;
        this.held = held;
        this.assignments = assignments;
        this.audit = audit;
        this.changes = changes;
        this.access = access;
        this.actors = actors;
    }

    /**
     * Makes the user's USER_TYPE assignments exactly {@code roles} (roles the tenant no longer has are
     * skipped); {@code grantedBy} is who caused it.
     */
    void align(TenantId tenant, UUID user, String username, List<String> roles, @Nullable UUID grantedBy,
            AuditLog.Actor actor, Origin origin) {
        TenantPolicy policy = access.policy(tenant).orElseThrow(() -> ApiException.notFound("tenant"));
        AuditLog.Target target = UserEvents.target(user, username);
        List<UserAssignments.Held> current = held.of(tenant, user).stream()
                .filter(a -> a.source().equals(SOURCE)).toList();
        boolean changed = false;
        for (UserAssignments.Held assignment : current) {
            if (!roles.contains(assignment.role())) {
                held.delete(tenant, assignment.id());
                audit.record(tenant, "ROLE_REVOKED", actor, target, origin.ip(), origin.userAgent(),
                        details(assignment.id(), assignment.role()));
                changed = true;
            }
        }
        for (String role : roles) {
            boolean holds = current.stream().anyMatch(a -> a.role().equals(role));
            if (!holds && policy.role(role).isPresent()) {
                UUID id = assignments.insert(tenant, user, role, null, null, null, SOURCE, grantedBy);
                audit.record(tenant, "ROLE_ASSIGNED", actor, target, origin.ip(), origin.userAgent(), details(id, role));
                changed = true;
            }
        }
        if (changed) {
            changes.subjectChanged(tenant, user);
        }
    }

    private static Map<String, Object> details(UUID assignment, String role) {
        Map<String, Object> details = new LinkedHashMap<>(UserEvents.assignmentDetails(assignment, role, null, null,
                null));
        details.put("source", SOURCE);
        return details;
    }

    /** A type's base roles changed: every user of it follows, in the same transaction. */
    @EventListener
    void on(UserTypeEvents.BaseRolesChanged changed) {
        AuditLog.Actor actor = actors.actor(changed.caller());
        for (UUID user : users.ofTypeForUpdate(changed.tenant(), changed.type())) {
            String username = users.username(changed.tenant(), user).orElse(user.toString());
            align(changed.tenant(), user, username, changed.after(), changed.caller().userId(), actor,
                    changed.origin());
        }
    }

    /** A type in use stays: its users would silently lose their base roles. */
    @EventListener
    void on(UserTypeEvents.Deleting deleting) {
        long holders = users.countOfType(deleting.tenant(), deleting.type());
        if (holders > 0) {
            throw ApiException.conflict("the user type " + deleting.type() + " is the type of " + holders
                    + " user(s); give them another type (PATCH …/users/{id} {userType}) first");
        }
    }
}
