package dev.gatehouse.server.compliance;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reports and schedules as the API shows them. */
public final class ReportViews {

    private ReportViews() {}

    /**
     * A generated report: what it covers, where it stands in the trail ({@code throughSeq},
     * {@code throughHash}), the SHA-256 of its file, and where to download it.
     */
    public record ReportView(String id, String type, String label, String format, @Nullable String from,
            @Nullable String to, @Nullable String asOf, long rows, long size, String sha256, long throughSeq,
            @Nullable String throughHash, Instant generatedAt, String generatedBy, @Nullable String scheduleId,
            String fileName, String download) {}

    /** A monthly schedule; recipients are user ids. */
    public record ScheduleView(String id, String type, String label, String format, int dayOfMonth,
            List<String> recipients, @Nullable String lastPeriod, Instant createdAt) {}

    /** The report's view; its download link names the tenant by id, which a rename of its slug leaves valid. */
    static ReportView of(TenantId tenant, ReportStore.Stored report) {
        return new ReportView(report.id().toString(), report.type().name(), report.type().label(),
                report.format().name(), text(report.from()), text(report.to()), text(report.asOf()), report.rows(),
                report.size(), report.sha256(), report.throughSeq(), report.throughHash(), report.generatedAt(),
                report.generatedByName(), text(report.schedule()), ComplianceReports.fileName(report),
                "/api/v1/tenants/" + tenant.value() + "/reports/" + report.id());
    }

    static ScheduleView of(ReportStore.Schedule schedule) {
        return new ScheduleView(schedule.id().toString(), schedule.type().name(), schedule.type().label(),
                schedule.format().name(), schedule.dayOfMonth(),
                schedule.recipients().stream().map(Object::toString).toList(), text(schedule.lastPeriod()),
                schedule.createdAt());
    }

    private static @Nullable String text(@Nullable Object value) {
        return value == null ? null : value.toString();
    }
}
