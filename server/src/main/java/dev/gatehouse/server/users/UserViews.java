package dev.gatehouse.server.users;

import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.server.shared.Impersonator;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the users API answers: never a password hash, token or other secret. */
final class UserViews {

    private UserViews() {}

    record ProfileView(@Nullable String npi, @Nullable String dea, @Nullable String stateLicense,
            @Nullable String primaryLicense, @Nullable String secondaryLicense, @Nullable String nadean,
            List<String> credentials, List<String> specialties, @Nullable String bio) {

        static ProfileView of(ClinicalProfile profile) {
            return new ProfileView(profile.npi(), profile.dea(), profile.stateLicense(), profile.primaryLicense(),
                    profile.secondaryLicense(), profile.nadean(), profile.credentials(), profile.specialties(),
                    profile.bio());
        }
    }

    /**
     * A page of {@code GET …/users}: the list convention's fields (docs/api.md) and the cursors of the pages
     * beside it, absent at either end; {@code page} absent when a cursor placed the page (issue 17).
     */
    record ListView(List<UserView> items, @Nullable Integer page, int size, long total, boolean totalIsLowerBound,
            @Nullable String next, @Nullable String previous) {}

    /**
     * Issue 13: {@code lastSignInAt}, {@code expiresAt} (a contractor's account end), {@code managerId}.
     * Issue 16: {@code userType} (seed 003).
     */
    record UserView(String id, String username, String firstName, String lastName, @Nullable String email,
            @Nullable String phone, String kind, String status, boolean hidden, List<String> requiredActions,
            @Nullable Instant lockedUntil, ProfileView profile, Instant createdAt, Instant updatedAt,
            @Nullable Instant lastSignInAt, @Nullable Instant expiresAt, @Nullable String managerId,
            @Nullable String userType, boolean signsInElsewhere) {

        static UserView of(UserAccount user) {
            return new UserView(user.id().toString(), user.username(), user.firstName(), user.lastName(),
                    user.email(), user.phone(), user.kind(), user.status(), user.hidden(), user.requiredActions(),
                    user.lockedUntil(), ProfileView.of(user.profile()), user.createdAt(), user.updatedAt(),
                    user.lastSignInAt(), user.expiresAt(), user.managerId() == null ? null : user.managerId().toString(),
                    user.userType(), user.member());
        }
    }

    /** Someone who reports to a manager ({@code GET …/users/{id}/reports}). */
    record ReportView(String id, String username, String firstName, String lastName, String status) {}

    record CreatedView(String id, String username, String kind, String status, @Nullable String invitationUrl) {}

    record ResetView(String resetUrl) {}

    record InvitationView(String invitationUrl) {}

    /** An assignment; {@code active} says whether it is in force now (inside its validity window). */
    record AssignmentView(String id, String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, String source, boolean active, @Nullable String grantedBy,
            Instant createdAt) {

        static AssignmentView of(UserAssignments.Held held, Instant now) {
            return new AssignmentView(held.id().toString(), held.role(), held.location(), held.startsAt(),
                    held.expiresAt(), held.source(), held.validAt(now),
                    held.grantedBy() == null ? null : held.grantedBy().toString(), held.createdAt());
        }
    }

    /**
     * A permission the user holds: its widest scope, where it reaches ({@code everywhere}, or the
     * listed locations and everything below them), the roles that give it, and any conditions.
     */
    record PermissionView(String permission, String scope, List<String> locations, boolean everywhere,
            List<String> via, List<String> conditions) {

        static PermissionView of(EffectivePermission permission) {
            return new PermissionView(permission.permission(), permission.scope().name(), permission.locations(),
                    permission.everywhere(), permission.via(), permission.conditions());
        }
    }

    record PermissionsView(List<PermissionView> permissions) {}

    /**
     * {@code impersonatedBy}: the platform operator, when the session is their impersonation of the
     * user; {@code clients}: the applications signed in to through the session; {@code device}: the
     * device it was opened on, with when the user first and last signed in on it (issue 15).
     */
    record SessionView(String id, Instant createdAt, Instant lastSeenAt, Instant expiresAt, @Nullable String ip,
            @Nullable String userAgent, @Nullable Impersonator impersonatedBy, List<String> clients,
            UserSessions.Device device) {

        static SessionView of(UserSessions.Live session) {
            return new SessionView(session.id().toString(), session.createdAt(), session.lastSeenAt(),
                    session.expiresAt(), session.ip(), session.userAgent(), session.impersonatedBy(),
                    session.clients(), session.device());
        }
    }
}
