package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Clinical break-glass in the console (issue 13), every state: the clinician's empty list, a refused
 * reason, the granted window, ending early, the switched-off form; the reviewer's empty queue, a
 * pending item, their own item that only someone else may review, a reviewed item; and the refusal of
 * each screen to whoever lacks its permission.
 */
class EmergencyAccessBrowserIT extends BrowserTest {

    private static final String REASON = "patient collapsed in the waiting room, Dr Ben is in surgery";

    @Test
    void aClinicianBreaksTheGlassAndSomeoneElseReviewsIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        TestMembers.Member ben = TestMembers.member("dr.ben").holding("provider").create(api, clinic);
        assertThat(api.post(clinic.path("/relationships"), clinic.adminToken(), json("subject",
                raw(json("type", "user", "id", ben.id())), "relation", "assigned_provider", "object",
                raw(json("type", "patient", "id", "456")))).status()).isEqualTo(201);

        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.press("Break-glass reviews");
        assertThat(admin.path()).isEqualTo("/console/break-glass-reviews");
        assertThat(admin.find("#no-reviews").getText()).isEqualTo("Nothing waits for review.");
        admin.screenshot("break-glass-reviews-empty");

        ConsoleBrowser doctor = browser().signIn(clinic.slug(), "dr.ann", TestMembers.PASSWORD);
        assertThat(doctor.menu()).contains("Emergency access").doesNotContain("Break-glass reviews");
        doctor.press("Emergency access");
        assertThat(doctor.find("#no-access").getText()).isEqualTo("You have not used emergency access.");
        assertThat(doctor.find("#duration").getText()).isEqualTo("60 minutes");
        doctor.screenshot("emergency-access-empty");

        doctor.fill("Record id", "456").fill("Reason", "urgent").press("Break the glass");
        assertThat(doctor.find("#reason-error").getText()).contains("10 to 1000 characters");
        assertThat(doctor.findAll(".access-row")).isEmpty();

        doctor.fill("Record id", "456").fill("Reason", REASON).press("Break the glass");
        assertThat(doctor.find("#opened").getText()).contains("patient 456", "UTC", "queued for review");
        assertThat(doctor.find(".access-row").getText()).contains("patient 456", REASON, "PENDING REVIEW");
        doctor.screenshot("emergency-access-opened");
        assertThat(allowed(clinic, "dr.ann", "456")).isTrue();

        doctor.open("/console/break-glass-reviews");
        assertThat(doctor.find(".missing-permission").getText()).isEqualTo("break_glass.review");

        // The admin (owner) breaks the glass too: their own item is in their queue, not for them to judge.
        admin.press("Emergency access");
        admin.fill("Record id", "789").fill("Reason", "covering the night shift, chart needed now").press(
                "Break the glass");
        admin.open("/console/break-glass-reviews");
        assertThat(admin.findAll(".review-row")).hasSize(2);
        WebElement own = row(admin, "patient 789");
        assertThat(own.getText()).contains("someone else reviews it");
        assertThat(own.findElements(By.cssSelector(".review-form"))).isEmpty();
        WebElement anns = row(admin, "patient 456");
        assertThat(anns.getText()).contains("dr.ann", REASON);
        assertThat(anns.findElements(By.cssSelector(".review-form"))).hasSize(1);
        admin.screenshot("break-glass-reviews-pending");

        admin.press("Not justified");
        assertThat(admin.find("#review-errors").getText()).contains("note");
        admin.fill("Note", "Dr Ben confirmed the handover").press("Justified");
        assertThat(admin.text()).contains("Review recorded.");
        WebElement reviewed = row(admin, "patient 456");
        assertThat(reviewed.getText()).contains("JUSTIFIED", SignedInTenant.ADMIN, "Dr Ben confirmed the handover");
        admin.screenshot("break-glass-reviews-reviewed");

        doctor.open("/console/emergency-access");
        assertThat(doctor.find(".access-review").getText()).isEqualTo("JUSTIFIED");
        doctor.driver().executeScript("arguments[0].click()", doctor.find("main")
                .findElement(By.xpath(".//button[normalize-space()='End now']")));
        doctor.confirm();
        assertThat(doctor.text()).contains("Your emergency access has ended.");
        assertThat(doctor.find(".access-ended").getText()).isEqualTo("ended");
        assertThat(allowed(clinic, "dr.ann", "456")).isFalse();

        assertThat(api.patch(clinic.path("/settings"), clinic.adminToken(), json("breakGlass",
                raw(json("enabled", false)))).status()).isEqualTo(200);
        doctor.open("/console/emergency-access");
        assertThat(doctor.find("#break-glass-off").getText()).contains("turned off");
        assertThat(doctor.findAll("#open-form")).isEmpty();
        doctor.screenshot("emergency-access-off");
    }

    @Test
    void whoeverLacksThePermissionIsRefusedEachScreen() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String location = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "Downtown"))
                .text("/id");
        TestMembers.member("desk").holding("front_desk").at(location).create(api, clinic);

        ConsoleBrowser desk = browser().signIn(clinic.slug(), "desk", TestMembers.PASSWORD);
        assertThat(desk.menu()).doesNotContain("Emergency access", "Break-glass reviews");
        desk.open("/console/emergency-access");
        assertThat(desk.find(".missing-permission").getText()).isEqualTo("break_glass.open");
        desk.screenshot("emergency-access-refused");
        desk.open("/console/break-glass-reviews");
        assertThat(desk.find(".missing-permission").getText()).isEqualTo("break_glass.review");
    }

    private static WebElement row(ConsoleBrowser browser, String record) {
        return browser.findAll(".review-row").stream().filter(row -> row.getText().contains(record)).findFirst()
                .orElseThrow(() -> new AssertionError("no row of " + record + " in " + browser.text()));
    }

    private boolean allowed(SignedInTenant clinic, String user, String patient) {
        return api.post(clinic.path("/check"), clinic.adminToken(), json("user", user, "permission", "patients.read",
                "resource", raw(json("type", "patient", "id", patient)))).body().path("allowed").asBoolean();
    }
}
