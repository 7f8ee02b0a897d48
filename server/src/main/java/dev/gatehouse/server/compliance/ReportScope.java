package dev.gatehouse.server.compliance;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * What one report reads: a tenant's trail through event {@code through}, over {@code [from, to)}
 * for a period report, or up to {@code asOf} for the user-access report. {@code today} marks an
 * as-of date that is today, which is checked against the current assignments as well.
 */
record ReportScope(TenantId tenant, ReportType type, @Nullable LocalDate fromDate, @Nullable LocalDate toDate,
        @Nullable LocalDate asOfDate, Instant start, Instant end, long through, boolean today) {}
