package dev.gatehouse.server.alerts;

import dev.gatehouse.server.audit.AuditRecorded;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A rule that fired on an event, before it is raised. {@code subject} and {@code windowStart} are
 * its dedupe key; {@code quiet}, when given, also holds back the same rule and subject for that
 * long after its last alert (a window boundary must not double an alert). {@code count} is what
 * was counted, {@code threshold} the rule's count (both 1 for rules that fire on one event).
 */
record Alert(String rule, String subject, Instant windowStart, @Nullable Duration quiet, long count, int threshold,
        @Nullable Integer minutes, String what, String who, String activityQuery, AuditRecorded trigger) {

    /** The start of the fixed window of {@code minutes} that {@code at} falls in, counted from the epoch. */
    static Instant window(Instant at, int minutes) {
        long size = minutes * 60L;
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), size) * size);
    }
}
