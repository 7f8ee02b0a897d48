package dev.gatehouse.server.users;

import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
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
 * Who may act on whom. Every answer comes from the engine: the permission through
 * {@link Access#require}, on the resource a user is ({@code user:<id>} located at every location
 * where the user holds an assignment not yet expired, so that a manager held at one location
 * manages the staff there and not a tenant-wide admin), and, for what touches another user's
 * credentials, identity or access, coverage through {@link Access#requireCovers}: nobody acts on
 * the account of someone who may do more than they may.
 */
@Component
class UserGuard {

    /** A role assignment asked for, checked against the tenant's policy. */
    record NewAssignment(String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt) {

        /** The location as the assignments table keeps it; already checked against the tenant's tree. */
        @Nullable UUID locationId() {
            return location == null ? null : Ids.parse(location).orElseThrow();
        }
    }

    private final Access access;
    private final UserAssignments assignments;
    private final Clock clock;

    UserGuard(Access access, UserAssignments assignments, Clock clock) {
        this.access = access;
        this.assignments = assignments;
        this.clock = clock;
    }

    /** Before looking a user up to read them: anyone reads themselves, others need users.read somewhere. */
    void requireReadAnywhere(Caller caller, UUID user) {
        if (!caller.userId().equals(user)) {
            requireAnywhere(caller, "users.read");
        }
    }

    /** May the caller do this anywhere at all? Answers 403 before anything about one user is looked up. */
    void requireAnywhere(Caller caller, String permission) {
        access.require(caller, permission, null);
    }

    /**
     * The caller needs {@code permission} on the user wherever the user holds a role (an expired
     * assignment holds nowhere).
     */
    void require(Caller caller, String permission, UUID user) {
        for (Resource resource : resourcesOf(user, assignments.of(caller.tenant(), user), clock.instant())) {
            access.require(caller, permission, resource);
        }
    }

    /**
     * Reading a user: themselves, or {@code users.read} at any one location where they hold a
     * current or coming role (seed 000: the manager of Location A sees a colleague who is manager
     * at A and front desk at B). A user with no located role needs it tenant-wide.
     */
    void requireRead(Caller caller, UUID user) {
        if (caller.userId().equals(user)) {
            return;
        }
        List<Resource> resources = resourcesOf(user, assignments.of(caller.tenant(), user), clock.instant());
        for (Resource resource : resources) {
            if (access.allows(caller, "users.read", resource)) {
                return;
            }
        }
        // None reaches: refuse, naming (and recording) the decision for the first place.
        access.require(caller, "users.read", resources.getFirst());
    }

    /**
     * Who may act on whom: acting on another user's credentials, identity or lifecycle needs,
     * besides the permission, that the caller holds everything the user holds, everywhere
     * (docs/security.md, "Who may act on whom"). Nobody is refused on themselves by this; the
     * self-protection rules stand apart.
     *
     * @param what the act, for the refusal ("reset the password of")
     */
    void requireCovers(Caller caller, String permission, UUID user, String what) {
        access.requireCovers(caller, user, null, permission, what);
    }

    /**
     * A role change at {@code location} (tenant-wide when null) touches what the user holds there:
     * the caller must hold everything of the user's roles that hold there (tenant-wide ones, those at,
     * above or below it), at least as widely.
     */
    void requireCoversAt(Caller caller, UUID user, @Nullable String location) {
        access.requireCovers(caller, user, location, "roles.assign", "change the roles of");
    }

    /** Whether the caller covers the user everywhere: the page offers credential and lifecycle actions only then. */
    boolean covers(Caller caller, UUID user) {
        return access.covers(caller, user, null).allowed();
    }

    /**
     * The resources that stand for a user: one per location of their assignments not expired at
     * {@code now}, or a single unlocated one when they hold a role tenant-wide or none at all (then
     * only a tenant-wide grant reaches them). An expired assignment narrows nothing.
     */
    static List<Resource> resourcesOf(UUID user, List<UserAssignments.Held> held, Instant now) {
        Resource base = Resource.of("user", user.toString());
        Set<String> locations = new LinkedHashSet<>();
        for (UserAssignments.Held assignment : held) {
            if (assignment.expiresAt() != null && !now.isBefore(assignment.expiresAt())) {
                continue;
            }
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
        return resourcesOf(user, assignments.of(caller.tenant(), user), clock.instant()).stream()
                .allMatch(resource -> access.allows(caller, permission, resource));
    }

    /**
     * Giving or taking a role needs {@code roles.assign} where the assignment holds (tenant-wide:
     * unlocated), and the caller must hold everything the role grants there, at least as widely:
     * nobody hands out more than they have.
     */
    void requireAssign(Caller caller, String role, @Nullable String location) {
        access.require(caller, "roles.assign", Resource.of("role", role).locatedAt(location));
        String beyond = beyondCaller(caller, role, location);
        if (beyond != null) {
            throw ApiException.forbidden(beyond);
        }
    }

    /**
     * The same rule as {@link #requireAssign}, as an answer, asked for every line of a bulk import by
     * one caller: why the caller may not give the role there, or null when they may (issue 17: an
     * import reports a refused line and goes on). The engine gathers the caller's grants once for the
     * whole request ({@link Access#grantsBeyondCaller(Caller)}) instead of once per role and place;
     * the decisions and refusals are those of {@link #requireAssign}.
     */
    Assigner assigner(Caller caller) {
        Access.RolesBeyondCaller beyond = access.grantsBeyondCaller(caller);
        return (role, location) -> {
            if (!access.allows(caller, "roles.assign", Resource.of("role", role).locatedAt(location))) {
                return "missing permission roles.assign" + (location == null ? " tenant-wide" : " at this location");
            }
            return refusal(role, location, beyond.beyond(role, location));
        };
    }

    /** Why one caller may not give a role at a place, or null when they may ({@link #assignRefusal}). */
    @FunctionalInterface
    interface Assigner {
        @Nullable String refusal(String role, @Nullable String location);
    }

    private @Nullable String beyondCaller(Caller caller, String role, @Nullable String location) {
        return refusal(role, location, access.grantsBeyondCaller(caller, role, location));
    }

    private static @Nullable String refusal(String role, @Nullable String location, List<String> beyond) {
        if (beyond.isEmpty()) {
            return null;
        }
        String named = String.join(", ", beyond.subList(0, Math.min(5, beyond.size())))
                + (beyond.size() > 5 ? " and " + (beyond.size() - 5) + " more" : "");
        return "you cannot give role " + role + (location == null ? " tenant-wide" : " there") + ": it grants " + named
                + " beyond your own access";
    }

    /** Whether the caller may do this on a resource, without recording a refusal (a probe). */
    boolean allows(Caller caller, String permission, Resource resource) {
        return access.allows(caller, permission, resource);
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
        return Ids.canonical(location);
    }

    /** The actor of an audit event: the caller with the roles they hold right now. */
    AuditLog.Actor actor(Caller caller) {
        return Actors.of(caller, access.rolesHeld(caller.tenant(), caller.userId()));
    }

    static List<String> describe(List<NewAssignment> roles) {
        List<String> described = new ArrayList<>();
        for (NewAssignment role : roles) {
            described.add(role.location() == null ? role.role() : role.role() + "@" + role.location());
        }
        return described;
    }
}
