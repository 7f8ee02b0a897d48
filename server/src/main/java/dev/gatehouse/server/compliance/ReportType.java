package dev.gatehouse.server.compliance;

import java.util.List;

/**
 * The reports Gatehouse generates, each with the name a clinic manager knows it by and its columns.
 * A report covers a period, except the user-access report, which is a picture as of one date.
 */
public enum ReportType {
    HIPAA_ACCESS("Patient record access (HIPAA)", true, List.of("time", "user", "userId", "rolesHeld", "action",
            "recordType", "recordId", "location", "address", "emergency", "emergencyReason", "recordedBy", "seq")),
    USER_ACCESS("Who has access, as of a date", false, List.of("user", "userId", "role", "location", "grantedAt",
            "grantedBy", "startsAt", "expiresAt", "checkedAgainstCurrentState")),
    SIGN_IN_SECURITY("Sign-in security", true, List.of("time", "event", "user", "userId", "address", "method",
            "secondFactor", "reason", "seq"));

    private final String label;
    private final boolean period;
    private final List<String> columns;

    ReportType(String label, boolean period, List<String> columns) {
        this.label = label;
        this.period = period;
        this.columns = columns;
    }

    public String label() {
        return label;
    }

    /** Whether the report covers a period ({@code from}, {@code to}) rather than one date ({@code asOf}). */
    public boolean coversPeriod() {
        return period;
    }

    List<String> columns() {
        return columns;
    }
}
