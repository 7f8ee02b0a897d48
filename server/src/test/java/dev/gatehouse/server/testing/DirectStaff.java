package dev.gatehouse.server.testing;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.authentication.Passwords;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserStore;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Puts an active staff account holding one role straight into the database, through the server's
 * own stores, for tests that must not depend on the users API.
 */
public final class DirectStaff {

    public static final String PASSWORD = "a staff member's long passphrase";

    private final UserStore users;
    private final Assignments assignments;
    private final Passwords passwords;
    private final AccessChanges changes;

    public DirectStaff(UserStore users, Assignments assignments, Passwords passwords, AccessChanges changes) {
        this.users = users;
        this.assignments = assignments;
        this.passwords = passwords;
        this.changes = changes;
    }

    /** An active user holding {@code role} at {@code location} (tenant-wide when null), with {@link #PASSWORD}. */
    public UUID add(String tenantId, String username, String role, @Nullable String location) {
        TenantId tenant = new TenantId(UUID.fromString(tenantId));
        UUID user = users.insert(tenant, new UserStore.NewUser(username, "Staff", username, null, null, "HUMAN",
                "ACTIVE", passwords.hash(PASSWORD), List.of()));
        assign(tenantId, user, role, location);
        return user;
    }

    /** An active user holding no role at all, with {@link #PASSWORD}. */
    public UUID addWithoutRoles(String tenantId, String username) {
        TenantId tenant = new TenantId(UUID.fromString(tenantId));
        UUID user = users.insert(tenant, new UserStore.NewUser(username, "No", "Roles", null, null, "HUMAN", "ACTIVE",
                passwords.hash(PASSWORD), List.of()));
        changes.subjectChanged(tenant, user);
        return user;
    }

    /** One more assignment for an existing user. */
    public void assign(String tenantId, UUID user, String role, @Nullable String location) {
        TenantId tenant = new TenantId(UUID.fromString(tenantId));
        assignments.insert(tenant, user, role, location == null ? null : UUID.fromString(location), null, null,
                "DIRECT", null);
        changes.subjectChanged(tenant, user);
    }
}
