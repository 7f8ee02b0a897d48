package dev.gatehouse.server.users;

import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Who may act on whom. Every answer comes from the engine through {@link Access#require}; this
 * only decides which resource a user is: {@code user:<id>} located at every location where the user
 * holds an assignment, so that a manager held at one location manages the staff there and not a
 * tenant-wide admin (issue: "a location manager manages staff only at their locations").
 */
@Component
class UserGuard {

    /** A role assignment asked for, checked against the tenant's policy. */
    record NewAssignment(String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt) {}

    private final Access access;
    private final UserAssignments assignments;
    private final Clock clock;

    UserGuard(Access access, UserAssignments assignments, Clock clock) {
        this.access = access;
        this.assignments = assignments;
        this.clock = clock;
    }

    /** May the caller do this anywhere at all? Answers 403 before anything about one user is looked up. */
    void requireAnywhere(Caller caller, String permission) {
        access.require(caller, permission, null);
    }

    /** The caller needs {@code permission} on the user wherever the user holds a role. */
    void require(Caller caller, String permission, UUID user) {
        for (Resource resource : resourcesOf(caller.tenant(), user, assignments.of(caller.tenant(), user))) {
            access.require(caller, permission, resource);
        }
    }

    /**
     * The resources that stand for a user: one per location of their assignments, or a single
     * unlocated one when they hold a role tenant-wide or none at all (then only a tenant-wide grant
     * reaches them).
     */
    static List<Resource> resourcesOf(TenantId tenant, UUID user, List<UserAssignments.Held> held) {
        Resource base = Resource.of("user", user.toString());
        Set<String> locations = new LinkedHashSet<>();
        for (UserAssignments.Held assignment : held) {
            if (assignment.location() == null) {
                return List.of(base);
            }
            locations.add(assignment.location());
        }
        if (locations.isEmpty()) {
            return List.of(base);
        }
        return locations.stream().map(base::locatedAt).toList();
    }

    /** The resource a new user would be, given the assignments asked for. */
    static List<Resource> resourcesOfNew(List<NewAssignment> roles) {
        Resource base = new Resource("user", null, null, null, Set.of(), Map.of());
        Set<String> locations = new LinkedHashSet<>();
        for (NewAssignment assignment : roles) {
            if (assignment.location() == null) {
                return List.of(base);
            }
            locations.add(assignment.location());
        }
        return locations.stream().map(base::locatedAt).toList();
    }

    /** The same decision as {@link #require(Caller, String, UUID)}, as an answer instead of a refusal. */
    boolean allows(Caller caller, String permission, UUID user) {
        return resourcesOf(caller.tenant(), user, assignments.of(caller.tenant(), user)).stream()
                .allMatch(resource -> access.allows(caller, permission, resource));
    }

    /**
     * Giving or taking a role needs {@code roles.assign} where the assignment holds (tenant-wide:
     * unlocated), and the caller must hold everything the role grants there, at least as widely:
     * nobody hands out more than they have.
     */
    void requireAssign(Caller caller, String role, @Nullable String location) {
        access.require(caller, "roles.assign", Resource.of("role", role).locatedAt(location));
        List<String> beyond = access.grantsBeyondCaller(caller, role, location);
        if (!beyond.isEmpty()) {
            String named = String.join(", ", beyond.subList(0, Math.min(5, beyond.size())))
                    + (beyond.size() > 5 ? " and " + (beyond.size() - 5) + " more" : "");
            throw ApiException.forbidden("you cannot give role " + role + (location == null ? " tenant-wide" : " there")
                    + ": it grants " + named + " beyond your own access");
        }
    }

    void require(Caller caller, String permission, Resource resource) {
        access.require(caller, permission, resource);
    }

    /**
     * seed 004: "you can't lock your own account, and you can't change your own role. Even an
     * admin needs another admin to do either."
     */
    static void notSelf(Caller caller, UUID user, String action) {
        if (caller.userId().equals(user)) {
            throw ApiException.forbidden("you cannot " + action + " yourself; another administrator must do it");
        }
    }

    /** Checks a requested assignment against the tenant's roles and locations, naming the field at fault. */
    static @Nullable NewAssignment validate(TenantPolicy policy, AccountFields fields, String prefix,
            @Nullable String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt) {
        boolean valid = true;
        if (role == null || role.isBlank()) {
            fields.reject(prefix + "role", "is required");
            valid = false;
        } else if (role.length() > 64 || policy.role(role).isEmpty()) {
            fields.reject(prefix + "role", "unknown role");
            valid = false;
        }
        String where = location == null || location.isBlank() ? null : canonical(location.strip());
        if (where != null && !policy.locations().contains(where)) {
            fields.reject(prefix + "location", "unknown location");
            valid = false;
        }
        if (startsAt != null && expiresAt != null && !expiresAt.isAfter(startsAt)) {
            fields.reject(prefix + "expiresAt", "must be after startsAt");
            valid = false;
        }
        return valid ? new NewAssignment(role, where, startsAt, expiresAt) : null;
    }

    /** Location ids are UUIDs, stored lower-case; any other text is no location of the tenant. */
    static String canonical(String location) {
        try {
            return UUID.fromString(location).toString();
        } catch (IllegalArgumentException e) {
            return location;
        }
    }

    /** The actor of an audit event: the caller with the roles they hold right now. */
    AuditLog.Actor actor(Caller caller) {
        return Actors.of(caller, assignments.rolesHeld(caller.tenant(), caller.userId(), clock.instant()));
    }

    static List<String> describe(List<NewAssignment> roles) {
        List<String> described = new ArrayList<>();
        for (NewAssignment role : roles) {
            described.add(role.location() == null ? role.role() : role.role() + "@" + role.location());
        }
        return described;
    }
}
