package dev.gatehouse.server.compliance;

import dev.gatehouse.server.audittrail.AuditQueries;
import dev.gatehouse.server.audittrail.AuditTrail;
import dev.gatehouse.server.settings.TenantSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * HIPAA access report (seed 000 "Data access audit trail - who accessed which patient records and
 * when"): every data-access event an application recorded ({@code POST …/audit/events}, details carry
 * {@code recordedBy}) in the period, and every clinical break-glass opening ({@code BREAK_GLASS} of
 * kind {@code clinical}). An access made under an open emergency access of the same user to the same
 * record is flagged, with the reason given when it was opened, so a privacy officer reviews those first.
 */
@Component
class HipaaAccessReport {

    static final String BREAK_GLASS = "BREAK_GLASS";

    /** An emergency access opened before the period can still cover accesses in it: at most this long. */
    static final Duration LOOK_BACK = Duration.ofMinutes(TenantSettings.BreakGlass.MAX_MINUTES);

    private final AuditTrail trail;

    HipaaAccessReport(AuditTrail trail) {
        this.trail = trail;
    }

    /** One emergency access: who, which record, from when until when, why. */
    private record Opened(String user, String type, String id, Instant at, Instant until, String reason) {
        boolean covers(AuditQueries.Event event) {
            return user.equals(EventFields.userId(event)) && type.equals(EventFields.targetType(event))
                    && id.equals(EventFields.targetId(event)) && !event.at().isBefore(at) && event.at().isBefore(until);
        }
    }

    void fill(ReportScope scope, ReportRows rows) {
        // Emergency accesses are few (throttled per user per hour): held in memory while the accesses stream.
        List<Opened> opened = new ArrayList<>();
        trail.scan(scope.tenant(), List.of(BREAK_GLASS), false, scope.start().minus(LOOK_BACK), scope.end(),
                scope.through(), event -> {
                    if (clinical(event)) {
                        opened.add(new Opened(EventFields.userId(event), EventFields.targetType(event),
                                EventFields.targetId(event), event.at(), until(event), EventFields.detail(event, "reason")));
                    }
                });
        Set<String> users = new HashSet<>();
        rows.figure("accesses", 0);
        rows.figure("accessesUnderEmergencyAccess", 0);
        rows.figure("emergencyAccessesOpened", 0);
        trail.scan(scope.tenant(), List.of(BREAK_GLASS), true, scope.start(), scope.end(), scope.through(), event -> {
            String emergency;
            String reason;
            if (event.action().equals(BREAK_GLASS)) {
                if (!clinical(event)) {
                    return;
                }
                emergency = "opened";
                reason = EventFields.detail(event, "reason");
                rows.count("emergencyAccessesOpened", 1);
            } else {
                Opened under = opened.stream().filter(open -> open.covers(event)).findFirst().orElse(null);
                emergency = under == null ? "no" : "yes";
                reason = under == null ? "" : under.reason();
                rows.count("accesses", 1);
                if (under != null) {
                    rows.count("accessesUnderEmergencyAccess", 1);
                }
            }
            users.add(EventFields.userId(event));
            rows.add(List.of(event.at().toString(), EventFields.user(event), EventFields.userId(event),
                    String.join(" ", event.actor().roles()), event.action(), EventFields.targetType(event),
                    EventFields.targetId(event), EventFields.detail(event, "location"), EventFields.text(event.ip()),
                    emergency, reason, EventFields.detail(event, "recordedBy", "username"), Long.toString(event.seq())));
        });
        rows.figure("users", users.size());
    }

    private static boolean clinical(AuditQueries.Event event) {
        return "clinical".equals(EventFields.detail(event, "kind"));
    }

    private static Instant until(AuditQueries.Event event) {
        String expires = EventFields.detail(event, "expiresAt");
        try {
            return expires.isEmpty() ? event.at().plus(LOOK_BACK) : Instant.parse(expires);
        } catch (java.time.format.DateTimeParseException e) {
            return event.at().plus(LOOK_BACK);
        }
    }
}
