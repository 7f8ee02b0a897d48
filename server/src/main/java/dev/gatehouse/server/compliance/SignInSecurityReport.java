package dev.gatehouse.server.compliance;

import dev.gatehouse.server.audittrail.AuditTrail;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Sign-in security report (seed 000 "Every login ... logged"): the period's sign-ins with their
 * method and second factor, failures with their reason, lockouts, sign-ins from new devices,
 * addresses refused by the tenant's allow-list and every change to second factors, with totals.
 */
@Component
class SignInSecurityReport {

    /** Each event the report shows, with the words a clinic manager reads in its place. */
    static final Map<String, String> EVENTS = Map.ofEntries(
            Map.entry("LOGIN_SUCCEEDED", "signed in"),
            Map.entry("LOGIN_FAILED", "sign-in failed"),
            Map.entry("LOCKED_OUT", "locked out"),
            Map.entry("NEW_DEVICE_SIGN_IN", "signed in from a new device"),
            Map.entry("SIGN_IN_REFUSED_IP", "refused: address not allowed"),
            Map.entry("MFA_ENABLED", "second factor turned on"),
            Map.entry("MFA_DISABLED", "second factor turned off"),
            Map.entry("MFA_RESET", "second factor reset by an administrator"),
            Map.entry("PASSKEY_REGISTERED", "passkey added"),
            Map.entry("PASSKEY_REMOVED", "passkey removed"));

    private final AuditTrail trail;

    SignInSecurityReport(AuditTrail trail) {
        this.trail = trail;
    }

    void fill(ReportScope scope, ReportRows rows) {
        for (String figure : List.of("signIns", "signInsWithSecondFactor", "failures", "lockouts", "newDevices",
                "refusedAddresses", "secondFactorChanges")) {
            rows.figure(figure, 0);
        }
        trail.scan(scope.tenant(), List.copyOf(EVENTS.keySet()), false, scope.start(), scope.end(), scope.through(),
                event -> {
                    String secondFactor = EventFields.detail(event, "secondFactor");
                    switch (event.action()) {
                        case "LOGIN_SUCCEEDED" -> {
                            rows.count("signIns", 1);
                            if (!secondFactor.isEmpty() && !secondFactor.equals("false") && !secondFactor.equals("null")) {
                                rows.count("signInsWithSecondFactor", 1);
                            }
                        }
                        case "LOGIN_FAILED" -> rows.count("failures", 1);
                        case "LOCKED_OUT" -> rows.count("lockouts", 1);
                        case "NEW_DEVICE_SIGN_IN" -> rows.count("newDevices", 1);
                        case "SIGN_IN_REFUSED_IP" -> rows.count("refusedAddresses", 1);
                        default -> rows.count("secondFactorChanges", 1);
                    }
                    String user = EventFields.user(event);
                    rows.add(List.of(event.at().toString(), EVENTS.get(event.action()), user,
                            EventFields.userId(event), EventFields.text(event.ip()), EventFields.detail(event, "method"),
                            secondFactor, EventFields.detail(event, "reason"), Long.toString(event.seq())));
                });
    }
}
