package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.compliance.ComplianceReports;
import dev.gatehouse.server.compliance.ReportJobs;
import dev.gatehouse.server.compliance.ReportSchedules;
import dev.gatehouse.server.compliance.ReportType;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * Compliance reports in the console (issue 16): the generated reports to download, a form to
 * generate one and the monthly schedules, for holders of {@value ComplianceReports#READ}; generating
 * and scheduling also need {@value ComplianceReports#MANAGE}, which {@link ComplianceReports} and
 * {@link ReportSchedules} ask, as for the API. A report asked for here is generated in the background
 * ({@link ReportJobs}): its job's page shows it waiting, being generated or failed, and leads to the
 * report once it is ready. A scheduled report's mail links to its page here.
 */
@Controller
class ReportsPageController {

    static final String SECTION = "/console/reports";

    /** The generate form: a period (from, to) for most reports, one date (asOf) for who-has-access. */
    record GenerateForm(@Nullable String type, @Nullable String from, @Nullable String to, @Nullable String asOf,
            @Nullable String format) {}

    /** The schedule form: recipients are usernames picked from the readers. */
    record ScheduleForm(@Nullable String type, @Nullable String format, @Nullable Integer dayOfMonth,
            @Nullable List<String> recipients) {}

    /** A person who may receive reports, as the recipients list shows them. */
    record Reader(String username) {}

    /** A job's page reloads itself this often (seconds) until the report is ready or failed. */
    static final int REFRESH_SECONDS = 2;

    private final ComplianceReports reports;
    private final ReportJobs jobs;
    private final ReportSchedules schedules;
    private final Access access;
    private final Clock clock;

    ReportsPageController(ComplianceReports reports, ReportJobs jobs, ReportSchedules schedules, Access access,
            Clock clock) {
        this.reports = reports;
        this.jobs = jobs;
        this.schedules = schedules;
        this.access = access;
        this.clock = clock;
    }

    @GetMapping(SECTION)
    String list(@AuthenticationPrincipal Caller caller, Model model) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        GenerateForm form = new GenerateForm(ReportType.HIPAA_ACCESS.name(), today.withDayOfMonth(1).toString(),
                today.toString(), today.toString(), "CSV");
        return page(caller, model, form, new ScheduleForm(ReportType.HIPAA_ACCESS.name(), "PDF", 1, List.of()));
    }

    @PostMapping(SECTION)
    String generate(@AuthenticationPrincipal Caller caller, @ModelAttribute("form") GenerateForm form, Model model,
            Origin origin, HttpServletResponse response) {
        boolean period = form.type() == null || !form.type().equals(ReportType.USER_ACCESS.name());
        try {
            // Generated in the background (issue 16): the job's page follows it until the report is there.
            ReportJobs.JobView job = jobs.submit(caller, caller.tenant(),
                    new ComplianceReports.Request(form.type(), period ? form.from() : null, period ? form.to() : null,
                            period ? null : form.asOf(), form.format()), origin);
            return "redirect:" + SECTION + "/jobs/" + job.id();
        } catch (ApiException e) {
            return refused(caller, model, response, e, form, null);
        }
    }

    /**
     * A report job: waiting or being generated (the page reloads itself every {@value #REFRESH_SECONDS}
     * seconds), failed (why), or ready (on to the report's page).
     */
    @GetMapping(SECTION + "/jobs/{id}")
    String job(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model,
            HttpServletResponse response) {
        ReportJobs.JobView job = jobs.find(caller, caller.tenant(), Ids.inPath(id, "job"));
        if (job.report() != null) {
            return "redirect:" + SECTION + "/" + job.report().id() + "?generated";
        }
        if (!job.status().equals("FAILED")) {
            response.setHeader("Refresh", Integer.toString(REFRESH_SECONDS));
        }
        model.addAttribute("job", job);
        return "console/reports/job";
    }

    @GetMapping(SECTION + "/{id}")
    String report(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model) {
        UUID report = Ids.inPath(id, "report");
        model.addAttribute("report", reports.find(caller, caller.tenant(), report));
        return "console/reports/report";
    }

    @GetMapping(SECTION + "/{id}/download")
    void download(@AuthenticationPrincipal Caller caller, @PathVariable String id, Origin origin,
            HttpServletResponse response) throws IOException {
        ComplianceReports.Download download = reports.download(caller, caller.tenant(), Ids.inPath(id, "report"),
                origin);
        response.setContentType(download.mediaType());
        response.setContentLengthLong(download.size());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
                ContentDisposition.attachment().filename(download.fileName()).build().toString());
        reports.writeTo(download, response.getOutputStream());
    }

    @PostMapping(SECTION + "/schedules")
    String schedule(@AuthenticationPrincipal Caller caller, @ModelAttribute("scheduleForm") ScheduleForm form,
            Model model, Origin origin, HttpServletResponse response) {
        try {
            schedules.create(caller, caller.tenant(), new ReportSchedules.Request(form.type(), form.format(),
                    form.dayOfMonth(), form.recipients() == null ? List.of() : form.recipients()), origin);
            return "redirect:" + SECTION + "?scheduled";
        } catch (ApiException e) {
            return refused(caller, model, response, e, null, form);
        }
    }

    @PostMapping(SECTION + "/schedules/{id}/delete")
    String deleteSchedule(@AuthenticationPrincipal Caller caller, @PathVariable String id, Origin origin) {
        schedules.delete(caller, caller.tenant(), Ids.inPath(id, "schedule"), origin);
        return "redirect:" + SECTION + "?unscheduled";
    }

    private String refused(Caller caller, Model model, HttpServletResponse response, ApiException e,
            @Nullable GenerateForm form, @Nullable ScheduleForm scheduleForm) {
        if (e.status() != HttpStatus.BAD_REQUEST) {
            throw e;
        }
        model.addAttribute(form != null ? "errors" : "scheduleErrors", FormErrors.of(e));
        response.setStatus(e.status().value());
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return page(caller, model, form != null ? form : new GenerateForm(ReportType.HIPAA_ACCESS.name(),
                today.withDayOfMonth(1).toString(), today.toString(), today.toString(), "CSV"),
                scheduleForm != null ? scheduleForm : new ScheduleForm(ReportType.HIPAA_ACCESS.name(), "PDF", 1,
                        List.of()));
    }

    private String page(Caller caller, Model model, GenerateForm form, ScheduleForm scheduleForm) {
        model.addAttribute("reports", reports.list(caller, caller.tenant(), 0, 100).items());
        model.addAttribute("jobs", jobs.list(caller, caller.tenant(), 20).stream()
                .filter(job -> !job.status().equals("READY")).toList());
        model.addAttribute("schedules", schedules.list(caller, caller.tenant()));
        boolean manages = access.allows(caller, ComplianceReports.MANAGE, null);
        model.addAttribute("manages", manages);
        model.addAttribute("types", ReportType.values());
        model.addAttribute("form", form);
        model.addAttribute("scheduleForm", scheduleForm);
        if (!model.containsAttribute("scheduleErrors")) {
            model.addAttribute("scheduleErrors", FormErrors.NONE);
        }
        model.addAttribute("readers", manages ? access.holders(caller.tenant(), ComplianceReports.READ, null,
                clock.instant()).stream().filter(holder -> schedules.mayReceive(caller.tenant(), holder.id()))
                .map(holder -> new Reader(holder.username())).toList() : List.of());
        return "console/reports/list";
    }
}
