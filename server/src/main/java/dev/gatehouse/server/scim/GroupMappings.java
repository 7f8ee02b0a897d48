package dev.gatehouse.server.scim;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.TenantScope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The administrators' side of SCIM groups ({@code …/tenants/{tenant}/scim/groups}, permission
 * {@code identity-providers.manage}): which roles each group gives, by name (the default) or as set
 * here. Setting them re-gives the members their roles at once, as the administrator: who may give
 * which role is checked as for any role change (no escalation, covering the members).
 */
@Service
class GroupMappings {

    static final String PERMISSION = "identity-providers.manage";
    private static final int MAX_ROLES = 50;

    record RoleView(@Nullable String role, @Nullable String location) {}

    record GroupView(String id, String displayName, String mapping, List<RoleView> roles, int members) {}

    private final ScimStore store;
    private final GroupRoles roles;
    private final Access access;
    private final AuditLog audit;
    private final Actors actors;
    private final Clock clock;

    GroupMappings(ScimStore store, GroupRoles roles, Access access, AuditLog audit, Actors actors, Clock clock) {
        this.store = store;
        this.roles = roles;
        this.access = access;
        this.audit = audit;
        this.actors = actors;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<GroupView> list(Caller caller, TenantScope.Scoped tenant) {
        access.require(caller, PERMISSION, null);
        Map<UUID, List<UUID>> members = store.members(tenant.id());
        return store.groups(tenant.id()).stream()
                .map(group -> view(tenant, group, members.getOrDefault(group.id(), List.of()).size())).toList();
    }

    @Transactional(readOnly = true)
    public GroupView get(Caller caller, TenantScope.Scoped tenant, UUID id) {
        access.require(caller, PERMISSION, null);
        ScimStore.GroupRow group = store.group(tenant.id(), id).orElseThrow(() -> ApiException.notFound("group " + id));
        return view(tenant, group, store.members(tenant.id(), id).size());
    }

    @Transactional
    public GroupView set(Caller caller, TenantScope.Scoped tenant, UUID id, @Nullable List<RoleView> requested,
            Origin origin) {
        access.require(caller, PERMISSION, null);
        ScimStore.GroupRow group = store.groupForUpdate(tenant.id(), id)
                .orElseThrow(() -> ApiException.notFound("group " + id));
        if (requested == null) {
            throw ApiException.badRequest("roles", "is required: a list of {role, location?}");
        }
        if (requested.size() > MAX_ROLES) {
            throw ApiException.badRequest("roles", "at most " + MAX_ROLES);
        }
        List<FieldError> errors = new ArrayList<>();
        List<ScimStore.GroupRole> mapped = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            RoleView role = requested.get(i);
            String at = "roles[" + i + "]";
            if (role == null || role.role() == null || !roles.exists(tenant.id(), role.role())) {
                errors.add(new FieldError(at + ".role", "unknown role"));
                continue;
            }
            UUID location = null;
            if (role.location() != null) {
                location = Ids.parse(role.location()).filter(parsed -> roles.locationExists(tenant.id(), parsed.toString()))
                        .orElse(null);
                if (location == null) {
                    errors.add(new FieldError(at + ".location", "unknown location"));
                    continue;
                }
            }
            ScimStore.GroupRole entry = new ScimStore.GroupRole(role.role(), location);
            if (mapped.contains(entry)) {
                errors.add(new FieldError(at, "repeats an earlier role"));
                continue;
            }
            mapped.add(entry);
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        List<ScimStore.GroupRole> before = roles.of(tenant.id(), group);
        store.setRoles(tenant.id(), id, mapped, clock.instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("before", describe(before));
        details.put("after", describe(mapped));
        audit.record(tenant.id(), "SCIM_GROUP_ROLES_SET", actors.actor(caller),
                new AuditLog.Target("scimGroup", id.toString(), group.displayName()), origin.ip(), origin.userAgent(),
                details);
        roles.sync(caller, tenant, store.members(tenant.id(), id), origin);
        return get(caller, tenant, id);
    }

    private GroupView view(TenantScope.Scoped tenant, ScimStore.GroupRow group, int members) {
        List<RoleView> given = roles.of(tenant.id(), group).stream().map(role -> new RoleView(role.role(),
                role.location() == null ? null : role.location().toString())).toList();
        return new GroupView(group.id().toString(), group.displayName(), group.rolesSet() ? "SET" : "BY_NAME", given,
                members);
    }

    private static List<String> describe(List<ScimStore.GroupRole> roles) {
        return roles.stream().map(role -> role.location() == null ? role.role() : role.role() + "@" + role.location())
                .toList();
    }
}
