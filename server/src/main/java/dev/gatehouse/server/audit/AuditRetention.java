package dev.gatehouse.server.audit;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

/**
 * How long a tenant keeps its audit events before the retention purge archives and removes them
 * (issue 5, docs/audit.md "Retention"). The default is HIPAA's documentation rule, 45 CFR
 * 164.316(b)(2)(i): six years. A period is whole years and months: a day more or less means nothing
 * at this scale, and without days two periods always compare.
 */
public final class AuditRetention {

    /** HIPAA 45 CFR 164.316(b)(2)(i): six years from creation. */
    public static final Period DEFAULT = Period.ofYears(6);

    /**
     * A year, as PCI DSS 10.5.1 asks of an audit log: a shorter trail would not cover one annual
     * review, and a tenant admin could otherwise have yesterday's events purged tomorrow.
     */
    public static final Period MINIMUM = Period.ofYears(1);

    /** Far beyond any rule; bounds the date arithmetic. */
    public static final Period MAXIMUM = Period.ofYears(100);

    private AuditRetention() {}

    /**
     * The period an ISO-8601 text such as {@code P6Y} or {@code P18M} names, normalised
     * ({@code P1Y6M}).
     *
     * @throws IllegalArgumentException naming the rule when the text is not one, has days or weeks,
     *     or lies outside {@link #MINIMUM}..{@link #MAXIMUM}
     */
    public static Period parse(String text) {
        Period period;
        try {
            period = Period.parse(text);
        } catch (DateTimeException notAPeriod) {
            throw new IllegalArgumentException(rule());
        }
        long months = period.toTotalMonths();
        if (period.getDays() != 0 || months < MINIMUM.toTotalMonths() || months > MAXIMUM.toTotalMonths()) {
            throw new IllegalArgumentException(rule());
        }
        return period.normalized();
    }

    /** The instant before which events fall outside {@code period}, counted back in UTC from {@code now}. */
    public static Instant cutoff(Instant now, Period period) {
        return now.atOffset(ZoneOffset.UTC).minus(period).toInstant();
    }

    private static String rule() {
        return "must be an ISO-8601 period of whole years and months from " + MINIMUM + " to " + MAXIMUM
                + ", such as P6Y or P18M";
    }
}
