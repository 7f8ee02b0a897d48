package dev.gatehouse.server.compliance;

import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audittrail.AuditQueries;
import dev.gatehouse.server.audittrail.AuditTrail;
import dev.gatehouse.server.users.UserStore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * User-access report: who held which role where as of a date, reconstructed from the trail alone
 * (every assignment is recorded as {@code ROLE_ASSIGNED} with its assignment id, every removal as
 * {@code ROLE_REVOKED}, a deleted user's as {@code USER_DELETED}), so the answer for a past date does
 * not depend on today's tables. For today's date the reconstruction is also compared with the
 * assignments table: a difference means a change that bypassed the trail, and is shown row by row.
 *
 * <p>Memory holds the assignments live at the cursor, never the events: it grows with the tenant's
 * staff, not with its history.
 */
@Component
class UserAccessReport {

    static final List<String> ACTIONS = List.of("ROLE_ASSIGNED", "ROLE_REVOKED", "USER_DELETED");

    private final AuditTrail trail;
    private final Assignments assignments;
    private final UserStore users;

    UserAccessReport(AuditTrail trail, Assignments assignments, UserStore users) {
        this.trail = trail;
        this.assignments = assignments;
        this.users = users;
    }

    /** One assignment as the trail tells it. */
    private record Held(String id, String user, String username, String role, String location, String grantedAt,
            String grantedBy, String startsAt, String expiresAt) {

        /** Whether it was in force at {@code at}: started (or no start) and not yet expired. */
        boolean inForce(Instant at) {
            return (startsAt.isEmpty() || !instant(startsAt, Instant.MIN).isAfter(at))
                    && (expiresAt.isEmpty() || instant(expiresAt, Instant.MAX).isAfter(at));
        }
    }

    void fill(ReportScope scope, ReportRows rows) {
        Map<String, Held> live = new LinkedHashMap<>();
        trail.scan(scope.tenant(), ACTIONS, false, null, scope.end(), scope.through(), event -> apply(live, event));
        Instant at = scope.end();
        List<Held> inForce = new ArrayList<>(live.values().stream().filter(held -> held.inForce(at)).toList());
        Map<String, String> check = new HashMap<>();
        if (scope.today()) {
            compare(scope, at, inForce, check);
        }
        inForce.sort(Comparator.comparing(Held::username).thenComparing(Held::role).thenComparing(Held::location));
        for (Held held : inForce) {
            rows.add(List.of(held.username(), held.user(), held.role(), held.location(), held.grantedAt(),
                    held.grantedBy(), held.startsAt(), held.expiresAt(),
                    scope.today() ? check.getOrDefault(held.id(), "matches") : "not checked (past date)"));
        }
        rows.figure("assignments", inForce.size());
        rows.figure("users", inForce.stream().map(Held::user).distinct().count());
        if (scope.today()) {
            rows.figure("differencesFromCurrentState", check.size());
        }
    }

    private static void apply(Map<String, Held> live, AuditQueries.Event event) {
        String user = EventFields.targetId(event);
        switch (event.action()) {
            case "ROLE_ASSIGNED" -> {
                String id = assignment(event);
                Held held = new Held(id.isEmpty() ? "seq-" + event.seq() : id, user,
                        EventFields.text(event.target() == null ? null : event.target().name()),
                        EventFields.detail(event, "role"), EventFields.detail(event, "location"), event.at().toString(),
                        EventFields.user(event), EventFields.detail(event, "startsAt"),
                        EventFields.detail(event, "expiresAt"));
                live.put(held.id(), held);
            }
            case "ROLE_REVOKED" -> {
                String id = assignment(event);
                if (live.remove(id) == null) {
                    // Events from before assignment ids were recorded: the same user, role and place.
                    String role = EventFields.detail(event, "role");
                    String location = EventFields.detail(event, "location");
                    live.values().stream().filter(held -> held.user().equals(user) && held.role().equals(role)
                            && held.location().equals(location)).findFirst().ifPresent(held -> live.remove(held.id()));
                }
            }
            case "USER_DELETED" -> live.values().removeIf(held -> held.user().equals(user));
            default -> { }
        }
    }

    /** The assignment's id: {@code assignmentId}, or {@code assignment} as self-registration records it. */
    private static String assignment(AuditQueries.Event event) {
        String id = EventFields.detail(event, "assignmentId");
        return id.isEmpty() ? EventFields.detail(event, "assignment") : id;
    }

    /**
     * Marks each reconstructed row the assignments table lacks, and adds each stored assignment the
     * trail does not account for, both by assignment id.
     */
    private void compare(ReportScope scope, Instant at, List<Held> inForce, Map<String, String> check) {
        Map<String, Assignments.Row> stored = new HashMap<>();
        for (Assignments.Row row : assignments.inScope(scope.tenant(), List.of(), List.of(), at)) {
            if (row.startsAt() == null || !row.startsAt().isAfter(at)) {
                stored.put(row.id().toString(), row);
            }
        }
        for (Held held : inForce) {
            if (stored.remove(held.id()) == null) {
                check.put(held.id(), "in the trail only: not in the current assignments");
            }
        }
        for (Assignments.Row row : stored.values()) {
            String id = row.id().toString();
            String username = users.username(scope.tenant(), row.user()).orElse("");
            inForce.add(new Held(id, row.user().toString(), username, row.role(), Objects.toString(row.location(), ""),
                    row.createdAt().toString(), grantedBy(scope, row.grantedBy()), text(row.startsAt()),
                    text(row.expiresAt())));
            check.put(id, "in the current assignments only: no ROLE_ASSIGNED in the trail");
        }
    }

    private String grantedBy(ReportScope scope, @Nullable UUID user) {
        return user == null ? "" : users.username(scope.tenant(), user).orElse(user.toString());
    }

    private static String text(@Nullable Instant at) {
        return at == null ? "" : at.toString();
    }

    private static Instant instant(String text, Instant otherwise) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return otherwise;
        }
    }
}
