package dev.gatehouse.server.compliance;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compliance reports generated in the background (issue 16): a report over a large trail takes longer
 * than a request should wait, so asking for one makes a job ({@code PENDING}), answered at once, which
 * the {@link ReportJobRunner} generates ({@code RUNNING}) into a stored report ({@code READY}) or
 * explains ({@code FAILED}). The request is checked as {@link ComplianceReports#generate} checks it
 * (400 naming the field, before any job exists) and recorded {@code REPORT_REQUESTED} with the job;
 * the report, when made, is {@code REPORT_GENERATED} by the person who asked, as for a report made at once.
 */
@Service
public class ReportJobs {

    /** A job as the API shows it; {@code report} and {@code download} once it is READY, {@code error} once FAILED. */
    public record JobView(String id, String status, String type, String label, String format, @Nullable String from,
            @Nullable String to, @Nullable String asOf, Instant requestedAt, String requestedBy, int attempts,
            @Nullable Instant finishedAt, @Nullable String error, ReportViews.@Nullable ReportView report,
            @Nullable String download, String self) {}

    private final Access access;
    private final Actors actors;
    private final AuditLog audit;
    private final ReportJobStore jobs;
    private final ReportStore reports;
    private final ReportJobRunner runner;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    ReportJobs(Access access, Actors actors, AuditLog audit, ReportJobStore jobs,
            ReportStore reports, ReportJobRunner runner, TransactionTemplate transactions, Clock clock) {
        this.access = access;
        this.actors = actors;
        this.audit = audit;
        this.jobs = jobs;
        this.reports = reports;
        this.runner = runner;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Makes a job for the report and hands it to this node's workers once it is committed.
     *
     * @throws ApiException 403 without {@value ComplianceReports#MANAGE},
     *     400 naming the bad field
     */
    public JobView submit(Caller caller, TenantId tenant, ComplianceReports.Request request, Origin origin) {
        access.require(caller, ComplianceReports.MANAGE, null);
        Instant now = clock.instant();
        ComplianceReports.Checked checked = ComplianceReports.check(request, LocalDate.ofInstant(now, ZoneOffset.UTC));
        AuditLog.Actor actor = actors.actor(caller);
        ReportJobStore.Job job = new ReportJobStore.Job(tenant, UUID.randomUUID(), checked.type(), checked.format(),
                checked.from(), checked.to(), checked.asOf(), "PENDING", now, caller.userId(), caller.username(),
                json.writeValueAsString(actor), origin.ip(), origin.userAgent(), 0, now.plus(runner.lease()), null,
                null, null, null);
        transactions.executeWithoutResult(status -> {
            jobs.insert(job);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("type", checked.type().name());
            details.put("format", checked.format().name());
            details.put("covers", ComplianceReports.covers(checked));
            audit.record(tenant, "REPORT_REQUESTED", actor,
                    new AuditLog.Target("report-job", job.id().toString(), checked.type().label()), origin.ip(),
                    origin.userAgent(), details);
        });
        runner.offer(new ReportJobStore.Key(tenant, job.id()));
        return view(job);
    }

    /** One job. @throws ApiException 404 unless the tenant has it, 403 without {@value ComplianceReports#READ} */
    public JobView find(Caller caller, TenantId tenant, UUID id) {
        access.require(caller, ComplianceReports.READ, null);
        return view(jobs.find(tenant, id).orElseThrow(() -> ApiException.notFound("report job " + id)));
    }

    /** The tenant's latest jobs, newest first. @throws ApiException 403 without {@value ComplianceReports#READ} */
    public List<JobView> list(Caller caller, TenantId tenant, int limit) {
        access.require(caller, ComplianceReports.READ, null);
        return jobs.list(tenant, limit).stream().map(this::view).toList();
    }

    private JobView view(ReportJobStore.Job job) {
        ReportViews.ReportView report = job.reportId() == null ? null
                : reports.find(job.tenant(), job.reportId()).map(stored -> ReportViews.of(job.tenant(), stored))
                        .orElse(null);
        return new JobView(job.id().toString(), job.status(), job.type().name(), job.type().label(),
                job.format().name(), text(job.from()), text(job.to()), text(job.asOf()), job.requestedAt(),
                job.requestedByName(), job.attempts(), job.finishedAt(), job.error(), report,
                report == null ? null : report.download(),
                "/api/v1/tenants/" + job.tenant().value() + "/report-jobs/" + job.id());
    }

    private static @Nullable String text(@Nullable Object value) {
        return value == null ? null : value.toString();
    }
}
