package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 16's Reports section, every state opened: empty, a refused form, generating (the notice the
 * form shows while the server works), a generated report's page and the list with its download, a
 * monthly schedule, and a member without the permission.
 */
class ReportsBrowserIT extends BrowserTest {

    @Autowired
    JdbcClient jdbc;

    private static void date(ConsoleBrowser browser, String label, LocalDate day) {
        browser.driver().executeScript("arguments[0].value = arguments[1]", browser.field(label), day.toString());
    }

    @Test
    void anAdministratorGeneratesDownloadsAndSchedulesReportsAndAFrontDeskIsRefused() {
        SignedInTenant clinic = TestTenants.tenant("clinic").withAdminEmail().create(api, operatorToken());
        TestMembers.Member desk = TestMembers.member("desk").holding("front_desk").create(api, clinic);
        assertThat(api.post(clinic.path("/audit/events"), clinic.adminToken(), json("action", "PATIENT_RECORD_VIEWED",
                "user", "desk", "resource", dev.gatehouse.server.testing.ApiClient.raw(json("type", "patient", "id",
                        "p-7")))).status()).isEqualTo(201);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);

        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(admin.menu()).contains("Reports");
        admin.press("Reports");
        assertThat(admin.find("#no-reports").getText()).isEqualTo("No reports generated yet.");
        assertThat(admin.find("#no-schedules").getText()).isEqualTo("No monthly reports scheduled.");
        admin.screenshot("reports-empty");

        date(admin, "First day (period reports)", today);
        date(admin, "Last day (period reports)", today.minusDays(2));
        admin.press("Generate report");
        assertThat(admin.find("#generate-errors").getText()).contains("to", "must be on or after from");
        admin.screenshot("reports-refused");

        date(admin, "Last day (period reports)", today);
        // The notice a person sees while a long report is generated; the submit shows it before the page goes.
        admin.driver().executeScript("document.querySelector('#generating').classList.remove('d-none')");
        assertThat(admin.find("#generating").isDisplayed()).isTrue();
        assertThat(admin.find("#generating").getText()).startsWith("Asking for the report");
        admin.screenshot("reports-generating");
        new Select(admin.field("File")).selectByVisibleText("PDF for auditors");
        admin.press("Generate report");
        // Generated in the background: the job's page reloads itself and goes on to the report when it is ready.
        admin.waitUntil(Duration.ofMinutes(2), d -> !admin.findAll("#generated").isEmpty());
        assertThat(admin.path()).startsWith("/console/reports/").doesNotContain("/jobs/");
        assertThat(admin.find("#generated").getText()).isEqualTo("Report generated.");
        assertThat(admin.find("#report-rows").getText()).isEqualTo("1");
        assertThat(admin.find("#report-download").getText()).isEqualTo("Download PDF");
        admin.screenshot("reports-done");

        admin.press("All reports");
        assertThat(admin.findAll(".report-row")).hasSize(1);
        assertThat(admin.find(".report-row").getText()).contains("Patient record access (HIPAA)", "PDF", "admin");

        admin.fill("Day of the month", "5");
        new Select(admin.field("Recipients")).selectByVisibleText("admin");
        admin.press("Schedule monthly report");
        assertThat(admin.find("#scheduled").getText()).isEqualTo("Monthly report scheduled.");
        assertThat(admin.findAll(".schedule-row")).hasSize(1);
        admin.screenshot("reports-scheduled");

        ConsoleBrowser frontDesk = browser().signIn(clinic.slug(), "desk", desk.password());
        assertThat(frontDesk.menu()).doesNotContain("Reports");
        frontDesk.open("/console/reports");
        assertThat(frontDesk.find(".missing-permission").getText()).isEqualTo("compliance_reports.read");
        frontDesk.screenshot("reports-not-allowed");
    }

    /** A job as another node left it: its lease says whether a node still works on it. */
    private UUID job(SignedInTenant clinic, String status, Instant leaseUntil, String error) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into compliance_report_jobs (tenant_id, id, type, format, period_from, period_to, status,
                            requested_at, requested_by, requested_by_name, actor, attempts, lease_until, error,
                            finished_at)
                        values (:tenant, :id, 'SIGN_IN_SECURITY', 'CSV', current_date, current_date, :status, now(),
                            :admin, 'admin', cast(:actor as jsonb), 1, :lease, :error,
                            case when :status = 'FAILED' then now() end)
                        """)
                .param("tenant", UUID.fromString(clinic.id())).param("id", id).param("status", status)
                .param("admin", UUID.fromString(clinic.adminId())).param("error", error)
                .param("actor", "{\"id\": \"" + clinic.adminId() + "\", \"username\": \"admin\", \"roles\":"
                        + " [\"owner\"], \"impersonatedBy\": null, \"via\": {}}")
                .param("lease", leaseUntil.atOffset(ZoneOffset.UTC)).update();
        return id;
    }

    @Test
    void aReportJobShowsWaitingBeingGeneratedFailedAndLeadsToTheReportWhenReady() {
        SignedInTenant clinic = TestTenants.tenant("clinic").withAdminEmail().create(api, operatorToken());
        Instant later = Instant.now().plus(Duration.ofHours(1));
        UUID pending = job(clinic, "PENDING", later, null);
        UUID running = job(clinic, "RUNNING", later, null);
        UUID failed = job(clinic, "FAILED", later, "format: this report has 200000 rows; a PDF holds at most 100000:"
                + " choose CSV");

        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.open("/console/reports");
        assertThat(admin.findAll(".job-row")).hasSize(3);
        assertThat(admin.find("#jobs-title").getText()).isEqualTo("Reports asked for, not ready");
        admin.screenshot("reports-jobs");

        admin.open("/console/reports/jobs/" + pending);
        assertThat(admin.find("#job-state [data-status]").getText()).isEqualTo("Waiting to start");
        assertThat(admin.find("#job-wait").getText()).contains("generated in the background");
        admin.screenshot("reports-job-pending");
        admin.open("/console/reports/jobs/" + running);
        assertThat(admin.find("#job-state [data-status]").getText()).isEqualTo("Being generated");
        admin.open("/console/reports/jobs/" + failed);
        assertThat(admin.find("#job-state [data-status]").getText()).isEqualTo("Failed");
        assertThat(admin.find("#job-error").getText()).contains("choose CSV");
        assertThat(admin.findAll("#job-wait")).isEmpty();
        admin.screenshot("reports-job-failed");

        // A job whose lease ran out (its node died) is taken by a node's sweep (every 15 s) and ends on the report.
        UUID orphan = job(clinic, "RUNNING", Instant.now().minusSeconds(60), null);
        admin.open("/console/reports/jobs/" + orphan);
        admin.waitUntil(Duration.ofMinutes(2), d -> !admin.findAll("#generated").isEmpty());
        assertThat(admin.find("#report-covers").getText()).isEqualTo(LocalDate.now(ZoneOffset.UTC) + " to "
                + LocalDate.now(ZoneOffset.UTC));
        admin.screenshot("reports-job-ready");
    }
}
