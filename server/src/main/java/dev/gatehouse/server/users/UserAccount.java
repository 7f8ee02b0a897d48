package dev.gatehouse.server.users;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One row of the users table as the users API sees it; never the password hash, only whether there
 * is one. Issue 13: {@code lastSignInAt} (set by every completed sign-in), {@code expiresAt} (a
 * contractor's account ends then) and {@code managerId} (seed 000, approval chains). Issue 16:
 * {@code userType}, the key of the tenant's user type the user is of (seed 003), and {@code member}:
 * the account is a membership of a person whose home account is in another tenant (it signs in there;
 * which one is never shown here).
 */
public record UserAccount(UUID id, String username, String firstName, String lastName, @Nullable String email,
        @Nullable String phone, String kind, String status, boolean hidden, List<String> requiredActions,
        int failedLogins, @Nullable Instant lockedUntil, boolean hasPassword, ClinicalProfile profile,
        Instant createdAt, Instant updatedAt, @Nullable Instant lastSignInAt, @Nullable Instant expiresAt,
        @Nullable UUID managerId, @Nullable String userType, boolean member) {

    public UserAccount {
        requiredActions = List.copyOf(requiredActions);
    }

    /** The fields an admin may edit (PATCH). */
    Editable editable() {
        return new Editable(username, firstName, lastName, email, phone, hidden, profile, expiresAt, managerId);
    }

    /** Whether a contractor's account has ended by {@code now}. */
    public boolean expiredBy(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    record Editable(String username, String firstName, String lastName, @Nullable String email,
            @Nullable String phone, boolean hidden, ClinicalProfile profile, @Nullable Instant expiresAt,
            @Nullable UUID managerId) {}
}
