package dev.gatehouse.server.console;

import java.util.Arrays;
import java.util.Optional;

/**
 * The console's screens behind the navigation, each with the permission its API endpoints need to
 * be seen at all. One list serves the menu (an entry shows only when the permission is held) and
 * the {@link SectionGuard} (every URL under the path needs it), so the two cannot disagree.
 */
enum Section {
    USERS("Users", "/console/users", "users.read", false),
    ROLES("Roles", "/console/roles", "roles.read", false),
    LOCATIONS("Locations", "/console/locations", "locations.read", false),
    SECURITY("Security", "/console/security", "settings.read", false),
    ACTIVITY("Activity log", "/console/activity", "audit.read", false),
    TENANTS("Tenants", "/console/tenants", "tenants.read", true);

    private final String label;
    private final String path;
    private final String permission;
    private final boolean operatorsOnly;

    Section(String label, String path, String permission, boolean operatorsOnly) {
        this.label = label;
        this.path = path;
        this.permission = permission;
        this.operatorsOnly = operatorsOnly;
    }

    public String label() {
        return label;
    }

    public String path() {
        return path;
    }

    public String permission() {
        return permission;
    }

    boolean operatorsOnly() {
        return operatorsOnly;
    }

    boolean covers(String requestPath) {
        return requestPath.equals(path) || requestPath.startsWith(path + "/");
    }

    static Optional<Section> of(String requestPath) {
        return Arrays.stream(values()).filter(section -> section.covers(requestPath)).findFirst();
    }
}
