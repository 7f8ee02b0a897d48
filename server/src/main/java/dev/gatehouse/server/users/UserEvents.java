package dev.gatehouse.server.users;

import dev.gatehouse.server.audit.AuditLog;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What the users feature writes into the audit trail about a user: the target and an assignment's details. */
final class UserEvents {

    private UserEvents() {}

    static Map<String, Object> assignmentDetails(UUID assignment, String role, @Nullable String location,
            @Nullable Instant startsAt, @Nullable Instant expiresAt) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("assignmentId", assignment.toString());
        details.put("role", role);
        if (location != null) {
            details.put("location", location);
        }
        if (startsAt != null) {
            details.put("startsAt", startsAt.toString());
        }
        if (expiresAt != null) {
            details.put("expiresAt", expiresAt.toString());
        }
        return details;
    }

    static AuditLog.Target target(UUID id, String username) {
        return new AuditLog.Target("user", id.toString(), username);
    }
}
