package dev.gatehouse.server.console;

import dev.gatehouse.engine.Role;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.tenancy.LocationService;
import dev.gatehouse.server.tenancy.TenantLocation;
import dev.gatehouse.server.usertypes.UserTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The names the users screens show instead of keys and ids: the tenant's roles (from its policy,
 * as the engine knows them) and its locations, each named by its path in the tree ("Main › East"),
 * for the pickers and for reading an assignment as role@location.
 */
@Component
class UserDirectory {

    /** One entry of a picker: the value the service takes, the text the user reads. */
    record Choice(String value, String label) {}

    /** The tenant's roles and locations for one page. */
    record Names(List<Choice> roles, List<Choice> locations, List<Choice> userTypes) {

        public String role(String key) {
            return roles.stream().filter(c -> c.value().equals(key)).map(Choice::label).findFirst().orElse(key);
        }

        String location(@Nullable String id) {
            if (id == null) {
                return "all locations";
            }
            return locations.stream().filter(c -> c.value().equals(id)).map(Choice::label).findFirst().orElse(id);
        }

        /** "Manager @ Main › East", as the roster and the user page show an assignment. */
        String assignment(String role, @Nullable String location) {
            return role(role) + " @ " + location(location);
        }
    }

    private final Access access;
    private final LocationService locations;
    private final UserTypes userTypes;

    UserDirectory(Access access, LocationService locations, UserTypes userTypes) {
        this.access = access;
        this.locations = locations;
        this.userTypes = userTypes;
    }

    Names of(Caller caller) {
        List<Choice> roles = access.policy(caller.tenant()).map(policy -> policy.roles().stream()
                .map(UserDirectory::choice).toList()).orElse(List.of());
        List<TenantLocation> tree = locations.tree(caller.tenant());
        Map<UUID, TenantLocation> byId = new HashMap<>();
        tree.forEach(location -> byId.put(location.id(), location));
        Map<String, String> paths = new LinkedHashMap<>();
        for (TenantLocation location : tree) {
            List<String> names = new ArrayList<>();
            for (TenantLocation at = location; at != null; at = at.parent() == null ? null : byId.get(at.parent())) {
                names.addFirst(at.name());
            }
            paths.put(location.id().toString(), String.join(" › ", names));
        }
        return new Names(roles, paths.entrySet().stream().map(e -> new Choice(e.getKey(), e.getValue())).toList(),
                types(caller));
    }

    /** Seed 003's user types, for the user forms; none offered to someone who may not read them. */
    private List<Choice> types(Caller caller) {
        if (!access.allows(caller, "users.read", null)) {
            return List.of();
        }
        return userTypes.list(caller, caller.tenant()).stream().map(type -> new Choice(type.key(), type.name())).toList();
    }

    private static Choice choice(Role role) {
        return new Choice(role.key(), role.name() == null || role.name().isBlank() ? role.key() : role.name());
    }
}
