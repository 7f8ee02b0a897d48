package dev.gatehouse.server.alerts;

import java.util.List;

/**
 * The alert rules in words a clinic manager understands (issue 16, "labels, not raw keys"), in the
 * order the alerts screen shows them, each with the kind of settings it has.
 */
final class RuleLabels {

    enum Kind { THRESHOLD, RECORDS, TOGGLE }

    record Rule(String name, String label, String hint, Kind kind) {}

    static final List<Rule> RULES = List.of(
            new Rule("failedSignInsPerAccount", "Repeated failed sign-ins on one account",
                    "Someone may be guessing a person's password.", Kind.THRESHOLD),
            new Rule("failedSignInsPerTenant", "Many failed sign-ins across the organisation",
                    "Someone may be trying passwords on many accounts.", Kind.THRESHOLD),
            new Rule("patientRecordsPerUser", "One person opening many patient records",
                    "Counted from your applications' record events (actions listed).", Kind.RECORDS),
            new Rule("breakGlass", "Break-glass access used", "Someone used emergency access in an application.",
                    Kind.TOGGLE),
            new Rule("clinicalBreakGlass", "A clinician's emergency access to a record",
                    "Told as it opens, and again if a reviewer finds it not justified.", Kind.TOGGLE),
            new Rule("adminRoleGranted", "Someone given an admin role", "Who may change who may do what grew.",
                    Kind.TOGGLE),
            new Rule("adminNewIp", "An admin signing in from a new address", "An admin's account used from somewhere new.",
                    Kind.TOGGLE),
            new Rule("impersonationStarted", "A platform operator acting as one of your people",
                    "Support impersonation, always audited.", Kind.TOGGLE),
            new Rule("refreshTokenReused", "An application's stolen sign-in token used again",
                    "The application's session was ended at once.", Kind.TOGGLE));

    private RuleLabels() {}

    static String label(String rule) {
        if (rule.equals(TestAlerts.RULE)) {
            return "Test alert";
        }
        return RULES.stream().filter(r -> r.name().equals(rule)).map(Rule::label).findFirst().orElse(rule);
    }
}
