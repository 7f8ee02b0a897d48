package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The tenant never loses its last administrator: the last active holder of the pack's admin role,
 * tenant-wide, cannot be locked, disabled, deleted or have that role revoked (409). Every change
 * that could remove an administrator asks here, inside its transaction, and the changes are
 * serialised per tenant so that two administrators shutting each other out at once cannot both win.
 */
@Component
class LastAdministrator {

    private final UserAssignments held;
    private final Clock clock;

    LastAdministrator(UserAssignments held, Clock clock) {
        this.held = held;
        this.clock = clock;
    }

    /**
     * Before {@code user} leaves the administrators altogether (locked, disabled, deleted).
     *
     * @param action what is refused, for the problem document ("lock")
     */
    void protect(TenantScope.Scoped tenant, UUID user, String action) {
        if (tenant.adminRole() == null) {
            return;
        }
        held.serialiseAdministratorChanges(tenant.id());
        if (isLast(held.activeHoldersTenantWide(tenant.id(), tenant.adminRole(), clock.instant()), user)) {
            throw ApiException.conflict("cannot " + action + " the tenant's last active " + tenant.adminRole()
                    + "; make someone else " + tenant.adminRole() + " first");
        }
    }

    /** Before {@code assignment} is revoked from {@code user}: it may be what makes them an administrator. */
    void protectRevoking(TenantScope.Scoped tenant, UUID user, UserAssignments.Held assignment) {
        Instant now = clock.instant();
        String admin = tenant.adminRole();
        if (admin == null || !makesAdministrator(admin, assignment, now)) {
            return;
        }
        held.serialiseAdministratorChanges(tenant.id());
        boolean keepsIt = held.of(tenant.id(), user).stream()
                .anyMatch(other -> !other.id().equals(assignment.id()) && makesAdministrator(admin, other, now));
        if (!keepsIt && isLast(held.activeHoldersTenantWide(tenant.id(), admin, now), user)) {
            throw ApiException.conflict("cannot revoke " + admin + " from the tenant's last active " + admin
                    + "; make someone else " + admin + " first");
        }
    }

    /** Whether {@code user} is the one active administrator left among {@code administrators}. */
    static boolean isLast(List<UUID> administrators, UUID user) {
        return administrators.contains(user) && administrators.stream().allMatch(user::equals);
    }

    /** Whether {@code assignment} makes its holder an administrator at {@code now}: the admin role, tenant-wide, valid. */
    static boolean makesAdministrator(String adminRole, UserAssignments.Held assignment, Instant now) {
        return assignment.role().equals(adminRole) && assignment.location() == null && assignment.validAt(now);
    }
}
