package dev.gatehouse.server.compliance;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Compliance reports and their monthly schedules (issue 16; docs/security.md "Compliance reports"). */
@RestController
class ReportController {

    private final ComplianceReports reports;
    private final ReportSchedules schedules;
    private final ReportJobs jobs;

    ReportController(ComplianceReports reports, ReportSchedules schedules, ReportJobs jobs) {
        this.reports = reports;
        this.schedules = schedules;
        this.jobs = jobs;
    }

    @Operation(summary = "Asks for a report generated in the background", description = "Requires"
            + " compliance_reports.manage; the same body and checks as POST …/reports (400 naming the field). Answers"
            + " 202 with the job and its Location at once; GET it until status is READY (then report and download"
            + " say where the file is) or FAILED (error says why). Audited REPORT_REQUESTED, then REPORT_GENERATED.")
    @PostMapping("/api/v1/tenants/{tenant}/report-jobs")
    ResponseEntity<ReportJobs.JobView> submit(@AuthenticationPrincipal Caller caller,
            @RequestBody ComplianceReports.Request request, @PathTenant TenantId tenantId, Origin origin) {
        ReportJobs.JobView job = jobs.submit(caller, tenantId, request, origin);
        return ResponseEntity.accepted().location(URI.create(job.self())).body(job);
    }

    @Operation(summary = "A report job's status", description = "Requires compliance_reports.read. status PENDING,"
            + " RUNNING, READY or FAILED.")
    @GetMapping("/api/v1/tenants/{tenant}/report-jobs/{id}")
    ReportJobs.JobView job(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId, @PathVariable String id) {
        return jobs.find(caller, tenantId, Ids.inPath(id, "job"));
    }

    @Operation(summary = "The latest report jobs", description = "Requires compliance_reports.read; newest first.")
    @GetMapping("/api/v1/tenants/{tenant}/report-jobs")
    List<ReportJobs.JobView> jobs(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId, @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
        return jobs.list(caller, tenantId, limit);
    }

    @Operation(summary = "Generates a report", description = "Requires compliance_reports.manage. {type: HIPAA_ACCESS |"
            + " SIGN_IN_SECURITY with from, to (dates, both included) | USER_ACCESS with asOf, format: CSV | PDF}."
            + " Generated while the request waits (201), for small reports and existing clients; POST …/report-jobs"
            + " generates in the background. Audited REPORT_GENERATED.")
    @PostMapping("/api/v1/tenants/{tenant}/reports")
    ResponseEntity<ReportViews.ReportView> generate(@AuthenticationPrincipal Caller caller,
            @RequestBody ComplianceReports.Request request, @PathTenant TenantId tenantId, Origin origin) {
        ReportViews.ReportView report = reports.generate(caller, tenantId, request, origin);
        return ResponseEntity.created(URI.create(report.download())).body(report);
    }

    @Operation(summary = "Lists the generated reports", description = "Requires compliance_reports.read; newest first.")
    @GetMapping("/api/v1/tenants/{tenant}/reports")
    Page<ReportViews.ReportView> list(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        return reports.list(caller, tenantId, page, size);
    }

    @Operation(summary = "Downloads a report's file", description = "Requires compliance_reports.read; audited"
            + " REPORT_DOWNLOADED.")
    @GetMapping("/api/v1/tenants/{tenant}/reports/{id}")
    void download(@AuthenticationPrincipal Caller caller, @PathTenant TenantId tenantId,
            @PathVariable String id,
            Origin origin, HttpServletResponse response) throws IOException {
        ComplianceReports.Download download = reports.download(caller, tenantId, Ids.inPath(id, "report"), origin);
        response.setStatus(200);
        response.setContentType(download.mediaType());
        response.setContentLengthLong(download.size());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
                ContentDisposition.attachment().filename(download.fileName()).build().toString());
        response.setHeader("X-Report-SHA256", download.sha256());
        reports.writeTo(download, response.getOutputStream());
    }

    @Operation(summary = "Creates a monthly schedule", description = "Requires compliance_reports.manage. {type, format,"
            + " dayOfMonth 1-28, recipients: user ids or usernames of users holding compliance_reports.read}. On that day the"
            + " previous calendar month's report is generated and each recipient is mailed a sign-in link to it.")
    @PostMapping("/api/v1/tenants/{tenant}/report-schedules")
    ResponseEntity<ReportViews.ScheduleView> createSchedule(@AuthenticationPrincipal Caller caller,
            @RequestBody ReportSchedules.Request request, @PathTenant TenantId tenantId, Origin origin) {
        ReportViews.ScheduleView created = schedules.create(caller, tenantId, request, origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenantId.value() + "/report-schedules/"
                        + created.id()))
                .body(created);
    }

    @GetMapping("/api/v1/tenants/{tenant}/report-schedules")
    List<ReportViews.ScheduleView> schedules(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId) {
        return schedules.list(caller, tenantId);
    }

    @GetMapping("/api/v1/tenants/{tenant}/report-schedules/{id}")
    ReportViews.ScheduleView schedule(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId,
            @PathVariable String id) {
        return schedules.get(caller, tenantId, Ids.inPath(id, "schedule"));
    }

    @Operation(summary = "Replaces a schedule", description = "The same body and rules as creating one.")
    @PutMapping("/api/v1/tenants/{tenant}/report-schedules/{id}")
    ReportViews.ScheduleView replaceSchedule(@AuthenticationPrincipal Caller caller,
            @PathVariable String id,
            @RequestBody ReportSchedules.Request request, @PathTenant TenantId tenantId, Origin origin) {
        return schedules.replace(caller, tenantId, Ids.inPath(id, "schedule"), request, origin);
    }

    @DeleteMapping("/api/v1/tenants/{tenant}/report-schedules/{id}")
    ResponseEntity<Void> deleteSchedule(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId,
            @PathVariable String id, Origin origin) {
        schedules.delete(caller, tenantId, Ids.inPath(id, "schedule"), origin);
        return ResponseEntity.noContent().build();
    }
}
