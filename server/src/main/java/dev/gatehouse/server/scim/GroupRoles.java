package dev.gatehouse.server.scim;

import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.ProvisionedAccounts;
import dev.gatehouse.server.users.TenantScope;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Which roles a SCIM group gives, and giving them: by default the role named as the group (its
 * key or its name, ignoring case), tenant-wide; once an administrator has set the group's roles
 * ({@code …/scim/groups/{id}}), exactly those. A member holds, as assignments of source SCIM, the
 * roles of every group they are in; a change to a group or its members sets each affected user's
 * SCIM assignments to that set (adding and revoking under the users API's rules), and touches no
 * assignment of another source.
 */
@Component
class GroupRoles {

    private final ScimStore store;
    private final Access access;
    private final ProvisionedAccounts accounts;

    GroupRoles(ScimStore store, Access access, ProvisionedAccounts accounts) {
        this.store = store;
        this.access = access;
        this.accounts = accounts;
    }

    /** The roles the group gives now. */
    List<ScimStore.GroupRole> of(TenantId tenant, ScimStore.GroupRow group) {
        if (group.rolesSet()) {
            return store.roles(tenant, group.id());
        }
        return byName(tenant, group.displayName()).map(role -> List.of(new ScimStore.GroupRole(role, null)))
                .orElse(List.of());
    }

    /** The role whose key or name is the group's display name, ignoring case. */
    Optional<String> byName(TenantId tenant, String displayName) {
        String wanted = displayName.strip().toLowerCase(Locale.ROOT);
        return access.policy(tenant).stream().flatMap(policy -> policy.roles().stream())
                .filter(role -> role.key().toLowerCase(Locale.ROOT).equals(wanted)
                        || role.name().strip().toLowerCase(Locale.ROOT).equals(wanted))
                .map(Role::key).findFirst();
    }

    /** Sets each user's SCIM-sourced assignments to what their groups give. */
    void sync(Caller caller, TenantScope.Scoped tenant, Collection<UUID> users, Origin origin) {
        for (UUID user : new LinkedHashSet<>(users)) {
            Set<ProvisionedAccounts.SourcedRole> wanted = new LinkedHashSet<>();
            for (UUID group : store.groupsOf(tenant.id(), user)) {
                store.group(tenant.id(), group).ifPresent(row -> of(tenant.id(), row).forEach(role -> wanted.add(
                        new ProvisionedAccounts.SourcedRole(role.role(),
                                role.location() == null ? null : role.location().toString()))));
            }
            accounts.setSourcedRoles(caller, tenant, user, wanted, ScimUsers.SOURCE, origin);
        }
    }

    /** Whether the tenant's policy has this role. */
    boolean exists(TenantId tenant, String role) {
        return access.policy(tenant).flatMap(policy -> policy.role(role)).isPresent();
    }

    /** Whether the tenant has this location. */
    boolean locationExists(TenantId tenant, String location) {
        return access.policy(tenant).map(TenantPolicy::locations).map(tree -> tree.contains(location)).orElse(false);
    }
}
