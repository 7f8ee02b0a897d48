package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 16's Reports section, every state opened: empty, a refused form, generating (the notice the
 * form shows while the server works), a generated report's page and the list with its download, a
 * monthly schedule, and a member without the permission.
 */
class ReportsBrowserIT extends BrowserTest {

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
        assertThat(admin.find("#generating").getText()).startsWith("Generating");
        admin.screenshot("reports-generating");
        new Select(admin.field("File")).selectByVisibleText("PDF for auditors");
        admin.press("Generate report");
        assertThat(admin.path()).startsWith("/console/reports/");
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
}
