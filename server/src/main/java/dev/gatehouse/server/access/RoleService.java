package dev.gatehouse.server.access;

import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.PolicyException;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates, edits and deletes a tenant's custom roles. Every change is validated by building the
 * engine's policy with the changed role set, so what is stored is always a policy the engine
 * accepts; and every change reaches every holder at once (docs/access-model.md, "Role").
 */
@Service
public class RoleService {

    /** A role, whether it is built in (from the tenant's pack), and how many users hold it. */
    public record RoleWithHolders(Role role, boolean builtIn, long holders) {
        static RoleWithHolders of(Roles.StoredRole stored, long holders) {
            return new RoleWithHolders(stored.role(), stored.builtIn(), holders);
        }
    }

    /**
     * One assignment of a role: who holds it, where (tenant-wide when {@code location} is null) and
     * when; expired and future assignments included, as in the holders count.
     */
    public record Holder(UUID user, String username, @Nullable UUID location, @Nullable String locationName,
            @Nullable Instant startsAt, @Nullable Instant expiresAt) {}

    /** A user anywhere in the tenant: only a tenant-wide reach of {@code users.read} covers it. */
    private static final Resource ANY_USER = new Resource("user", null, null, null, Set.of(), Map.of());

    private final Roles roles;
    private final PolicyLoader loader;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Access access;

    RoleService(Roles roles, PolicyLoader loader, AuditLog audit, AccessChanges changes, Access access) {
        this.access = access;
        this.roles = roles;
        this.loader = loader;
        this.audit = audit;
        this.changes = changes;
    }

    /** Built-in roles first, then custom ones, each by key. Requires {@code roles.read}. */
    @Transactional(readOnly = true)
    public List<RoleWithHolders> page(Caller caller, TenantId tenant, int page, int size) {
        access.require(caller, "roles.read", null);
        Map<String, Long> holders = roles.holders(tenant);
        return roles.page(tenant, page, size).stream()
                .map(stored -> RoleWithHolders.of(stored, holders.getOrDefault(stored.key(), 0L))).toList();
    }

    /** Every role of the tenant, as {@link #page} orders them. Requires {@code roles.read}. */
    @Transactional(readOnly = true)
    public List<RoleWithHolders> all(Caller caller, TenantId tenant) {
        return page(caller, tenant, 0, (int) Math.max(1, roles.count(tenant)));
    }

    @Transactional(readOnly = true)
    public long count(TenantId tenant) {
        return roles.count(tenant);
    }

    /** Requires {@code roles.read}; 404 for an unknown role. */
    @Transactional(readOnly = true)
    public RoleWithHolders get(Caller caller, TenantId tenant, String key) {
        access.require(caller, "roles.read", null);
        Roles.StoredRole stored = roles.find(tenant, key).orElseThrow(() -> ApiException.notFound("role " + key));
        return RoleWithHolders.of(stored, roles.holders(tenant, key));
    }

    /**
     * Who holds the role, where and when. It names users, so besides {@code roles.read} it needs
     * {@code users.read} tenant-wide, as reading the whole roster does.
     */
    @Transactional(readOnly = true)
    public List<Holder> holders(Caller caller, TenantId tenant, String key) {
        access.require(caller, "roles.read", null);
        access.require(caller, "users.read", ANY_USER);
        roles.find(tenant, key).orElseThrow(() -> ApiException.notFound("role " + key));
        return roles.holderList(tenant, key);
    }

    /**
     * Creates a custom role; with {@code copyOf} it takes that role's parents and grants (and its
     * description unless one is given).
     */
    @Transactional
    public RoleWithHolders create(Caller caller, TenantId tenant, RoleRequests.CreateRole request,
            AuditLog.Actor actor, Origin origin) {
        access.require(caller, "roles.create", null);
        Role requested = RoleRequests.toRole(request);
        boolean descriptionGiven = request.description() != null;
        String copyOf = request.copyOf();
        roles.lock(tenant);
        Optional<String> taken = roles.keyIgnoringCase(tenant, requested.key());
        if (taken.isPresent()) {
            throw ApiException.conflict("a role with key " + taken.get() + " already exists"
                    + (taken.get().equals(requested.key()) ? "" : " (role keys compare ignoring case)"));
        }
        Role role = requested;
        if (copyOf != null) {
            Role source = roles.find(tenant, copyOf)
                    .orElseThrow(() -> ApiException.badRequest("copyOf", "unknown role " + copyOf)).role();
            role = new Role(requested.key(), requested.name(),
                    descriptionGiven ? requested.description() : source.description(), source.inherits(),
                    source.grants());
        }
        requireWithinCaller(caller, validate(tenant, role), role.key());
        roles.insert(tenant, role);
        Map<String, Object> details = new LinkedHashMap<>(describe(role));
        if (copyOf != null) {
            details.put("copyOf", copyOf);
        }
        audit.record(tenant, "ROLE_CREATED", actor, target(role), origin.ip(), origin.userAgent(), details);
        changes.policyChanged(tenant);
        return RoleWithHolders.of(roles.find(tenant, role.key()).orElseThrow(), 0);
    }

    /** Replaces a custom role's name, description, parents and grants; every holder is affected at once. */
    @Transactional
    public RoleWithHolders replace(Caller caller, TenantId tenant, String key, RoleRequests.ReplaceRole request,
            AuditLog.Actor actor, Origin origin) {
        access.require(caller, "roles.edit", null);
        Role role = RoleRequests.toRole(key, request);
        roles.lock(tenant);
        Roles.StoredRole before = roles.find(tenant, role.key())
                .orElseThrow(() -> ApiException.notFound("role " + role.key()));
        requireCustom(before, "edited");
        requireWithinCaller(caller, validate(tenant, role), role.key());
        Map<String, Object> was = describe(before.role());
        Map<String, Object> is = describe(role);
        Map<String, Object> changedBefore = new LinkedHashMap<>();
        Map<String, Object> changedAfter = new LinkedHashMap<>();
        for (String field : is.keySet()) {
            if (!is.get(field).equals(was.get(field))) {
                changedBefore.put(field, was.get(field));
                changedAfter.put(field, is.get(field));
            }
        }
        if (!changedAfter.isEmpty()) {
            roles.update(tenant, role);
            audit.record(tenant, "ROLE_UPDATED", actor, target(role), origin.ip(), origin.userAgent(),
                    Map.of("before", changedBefore, "after", changedAfter));
            changes.policyChanged(tenant);
        }
        return RoleWithHolders.of(roles.find(tenant, role.key()).orElseThrow(), roles.holders(tenant, role.key()));
    }

    /** Deletes a custom role that nobody holds and no role inherits from. */
    @Transactional
    public void delete(Caller caller, TenantId tenant, String key, AuditLog.Actor actor, Origin origin) {
        access.require(caller, "roles.delete", null);
        roles.lock(tenant);
        Roles.StoredRole stored = roles.find(tenant, key).orElseThrow(() -> ApiException.notFound("role " + key));
        requireCustom(stored, "deleted");
        long holders = roles.holders(tenant, key);
        if (holders > 0) {
            long assignments = roles.assignments(tenant, key);
            throw ApiException.conflict("role " + key + " is held by " + holders + (holders == 1 ? " user" : " users")
                    + " (" + assignments + (assignments == 1 ? " assignment" : " assignments")
                    + ", counting expired and future ones); revoke those assignments first");
        }
        List<String> heirs = roles.heirs(tenant, key);
        if (!heirs.isEmpty()) {
            throw ApiException.conflict("role " + key + " is inherited by " + String.join(", ", heirs)
                    + "; remove it from their inherits first");
        }
        roles.delete(tenant, key);
        audit.record(tenant, "ROLE_DELETED", actor, target(stored.role()), origin.ip(), origin.userAgent(),
                describe(stored.role()));
        changes.policyChanged(tenant);
    }

    /**
     * A role may be built only out of access its builder holds tenant-wide, since it can be held
     * anywhere: {@code roles.create}/{@code roles.edit} are no way up to more power, as
     * {@code roles.assign} is none (users.UserGuard).
     */
    private void requireWithinCaller(Caller caller, TenantPolicy prospective, String role) {
        List<String> beyond = access.grantsBeyondCaller(caller, prospective.flattenedGrants(role), null);
        if (!beyond.isEmpty()) {
            String named = String.join(", ", beyond.subList(0, Math.min(5, beyond.size())))
                    + (beyond.size() > 5 ? " and " + (beyond.size() - 5) + " more" : "");
            throw ApiException.forbidden("role " + role + " would grant " + named
                    + " beyond your own tenant-wide access");
        }
    }

    private static void requireCustom(Roles.StoredRole stored, String verb) {
        if (stored.builtIn()) {
            throw ApiException.conflict("role " + stored.key() + " is built in (from the tenant's role pack) and"
                    + " cannot be " + verb + "; copy it (POST …/roles with copyOf) and change the copy");
        }
    }

    /**
     * Builds the tenant's policy as it would be with {@code role} in place of its stored version, or
     * answers 400 naming the request's fields: {@code grants[2].permission}, {@code inherits}.
     */
    private TenantPolicy validate(TenantId tenant, Role role) {
        TenantPolicy current = loader.policy(tenant).orElseThrow(() -> ApiException.notFound("tenant " + tenant));
        List<Role> changed = new ArrayList<>(current.roles());
        changed.removeIf(r -> r.key().equals(role.key()));
        changed.add(role);
        try {
            return TenantPolicy.builder(tenant.toString(), current.catalog()).roles(changed)
                    .locations(current.locations()).active(current.active()).build();
        } catch (PolicyException e) {
            String own = "roles[" + role.key() + "].";
            List<FieldError> errors = new ArrayList<>();
            for (PolicyException.Problem problem : e.problems()) {
                // A problem found at another role can only be one this change caused: an inheritance
                // cycle through the new parents, which the engine may report where it entered the cycle.
                String field = problem.path().startsWith(own) ? problem.path().substring(own.length()) : "inherits";
                errors.add(new FieldError(field, problem.message()));
            }
            throw ApiException.badRequest(errors);
        }
    }

    private static AuditLog.Target target(Role role) {
        return new AuditLog.Target("role", role.key(), role.name());
    }

    /** The role's fields as the audit trail records them. */
    private static Map<String, Object> describe(Role role) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", role.name());
        fields.put("description", role.description());
        fields.put("inherits", role.inherits());
        fields.put("grants", role.grants().stream().map(RoleService::describe).toList());
        return fields;
    }

    private static Map<String, String> describe(Grant grant) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("permission", grant.permission());
        fields.put("scope", grant.scope().name());
        if (grant.condition() != null) {
            fields.put("condition", grant.condition().expression());
        }
        return fields;
    }
}
