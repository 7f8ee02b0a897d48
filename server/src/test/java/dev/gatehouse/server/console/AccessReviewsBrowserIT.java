package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 13 in the console, every state opened: the Access reviews section empty, refusing a form,
 * with an open campaign and with a completed one's report; a manager's own reviews, keep and
 * revoke; a reviewer who may not run campaigns and one with nothing to review; a platform operator,
 * told reviews are per tenant; the user page's account terms; an expired contractor's sign-in refusal.
 */
class AccessReviewsBrowserIT extends BrowserTest {

    @Autowired
    private TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static void date(ConsoleBrowser browser, String label, LocalDate day) {
        // A date input takes typed digits in the browser's locale order; the value is set as the form sends it.
        browser.driver().executeScript("arguments[0].value = arguments[1]", browser.field(label), day.toString());
    }

    @Test
    void anAdministratorOpensACampaignAManagerDecidesTheirItemsAndTheReportFollows() {
        SignedInTenant clinic = TestTenants.tenant("clinic").create(api, operatorToken());
        String downtown = TestTenants.location(api, clinic, "Downtown", null);
        TestMembers.Member boss = TestMembers.member("boss").holding("manager").at(downtown).create(api, clinic);
        TestMembers.Member desk = TestMembers.member("desk").holding("front_desk").at(downtown).create(api, clinic);
        TestMembers.Member other = TestMembers.member("other").holding("front_desk").create(api, clinic);
        assertThat(api.patch(clinic.path("/users/" + desk.id()), clinic.adminToken(), json("managerId", boss.id()))
                .status()).isEqualTo(200);

        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(admin.menu()).contains("Access reviews");
        admin.press("Access reviews");
        assertThat(admin.find("#no-campaigns").getText()).isEqualTo("No access reviews yet.");
        admin.screenshot("access-reviews-empty");

        admin.press("Open campaign");
        assertThat(admin.find("#campaign-errors").getText()).contains("name", "dueAt");
        assertThat(admin.findAll(".campaign-row")).isEmpty();
        admin.screenshot("access-reviews-refused");

        admin.fill("Name", "Downtown Q1");
        new Select(admin.field("Locations")).selectByVisibleText("Downtown");
        date(admin, "Due date (UTC, end of day)", LocalDate.now(ZoneOffset.UTC).plusDays(10));
        admin.press("Open campaign");
        assertThat(admin.path()).startsWith("/console/access-reviews/");
        String campaign = admin.path().substring("/console/access-reviews/".length());
        assertThat(admin.find("#campaign-status").getText()).isEqualTo("OPEN");
        assertThat(admin.findAll(".item-row")).hasSize(2);
        admin.screenshot("access-review-open");

        ConsoleBrowser manager = browser().signIn(clinic.slug(), "boss", boss.password());
        manager.open("/console");
        manager.click(manager.find("#my-reviews"));
        manager.open("/console/reviews");
        assertThat(manager.findAll(".review-row")).hasSize(1);
        manager.press("Downtown Q1");
        assertThat(manager.findAll(".item-row")).as("only the items the manager reviews").hasSize(1);
        manager.fill("Note on desk", "moved to billing");
        manager.click(manager.find("button[aria-label='Revoke desk front_desk']"));
        manager.open("/console/reviews/" + campaign + "?decided");
        assertThat(manager.find(".item-decision").getText()).contains("REVOKE", "REVOKED");
        assertThat(manager.text()).contains("moved to billing");
        manager.screenshot("access-review-decided");
        assertThat(api.get(clinic.path("/users/" + desk.id() + "/roles"), clinic.adminToken()).body().at("/total")
                .asLong()).as("revoked at once").isZero();

        manager.open("/console/access-reviews");
        assertThat(manager.find(".missing-permission").getText()).isEqualTo("access_reviews.manage");
        manager.screenshot("access-reviews-not-allowed");

        ConsoleBrowser nobody = browser().signIn(clinic.slug(), "other", other.password());
        nobody.open("/console/reviews");
        assertThat(nobody.find("#no-reviews").getText()).isEqualTo("Nothing to review.");
        nobody.screenshot("access-reviews-nothing-to-review");
        nobody.open("/console/reviews/" + campaign);
        assertThat(nobody.title()).startsWith("Not found");

        admin.open("/console/access-reviews/" + campaign);
        admin.click(admin.find("button[aria-label='Keep boss manager']"));
        admin.open("/console/access-reviews/" + campaign);
        assertThat(admin.find("#campaign-status").getText()).isEqualTo("COMPLETED");
        assertThat(admin.find("#report").getText()).contains("1 kept, 1 revoked");
        assertThat(admin.find("#report-csv").getDomAttribute("href"))
                .isEqualTo("/console/access-reviews/" + campaign + "/report.csv");
        admin.screenshot("access-review-report");
        admin.open("/console/access-reviews");
        assertThat(admin.find(".campaign-status").getText()).isEqualTo("COMPLETED");
    }

    @Test
    void anOperatorIsToldReviewsArePerTenantInsteadOfShownAnEmptyList() {
        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);

        operator.open("/console/reviews");

        assertThat(operator.title()).startsWith("Forbidden");
        assertThat(operator.text()).contains("access reviews are per tenant");
        assertThat(operator.findAll("#no-reviews")).isEmpty();
        operator.open("/console/reviews/" + java.util.UUID.randomUUID());
        assertThat(operator.title()).as("a campaign's page the same").startsWith("Forbidden");
        operator.open("/console/access-reviews");
        assertThat(operator.title()).as("as the campaigns' section answers them").startsWith("Forbidden");
        assertThat(operator.text()).contains("platform operators do not manage access reviews here");
    }

    @Test
    void theUserPageShowsAndChangesAccountTerms() {
        SignedInTenant clinic = TestTenants.tenant("clinic").create(api, operatorToken());
        TestMembers.Member boss = TestMembers.member("boss").holding("manager").create(api, clinic);
        TestMembers.Member locum = TestMembers.member("locum").holding("front_desk").create(api, clinic);
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/users/" + locum.id());
        assertThat(admin.find("#last-sign-in").getText()).isNotEqualTo("never");
        assertThat(admin.find("#account-ends").getText()).isEqualTo("never");
        assertThat(admin.find("#manager").getText()).isEqualTo("nobody");
        admin.fill("Manager (username; blank: none)", "nobody-by-that-name");
        admin.press("Save account terms");
        assertThat(admin.find("#terms-managerId-error").getText()).contains("no user nobody-by-that-name");
        admin.screenshot("user-account-terms-refused");

        date(admin, "Account ends on (at 00:00 UTC; blank: never)", LocalDate.now(ZoneOffset.UTC).plusDays(30));
        admin.fill("Manager (username; blank: none)", "boss");
        admin.press("Save account terms");
        assertThat(admin.find("#manager").getText()).isEqualTo("boss");
        assertThat(admin.find("#account-ends").getText()).startsWith(LocalDate.now(ZoneOffset.UTC).plusDays(30)
                .toString());
        admin.screenshot("user-account-terms");

        admin.open("/console/users/" + boss.id());
        assertThat(admin.find(".report-row").getText()).startsWith("locum");
    }

    @Test
    void anExpiredContractorIsToldWhyTheyCannotSignInAndAStrangerIsNot() {
        SignedInTenant clinic = TestTenants.tenant("clinic").create(api, operatorToken());
        TestMembers.Member locum = TestMembers.member("locum").holding("front_desk").create(api, clinic);
        Response ends = api.patch(clinic.path("/users/" + locum.id()), clinic.adminToken(),
                json("expiresAt", Instant.now().plus(Duration.ofHours(1)).toString()));
        assertThat(ends.status()).isEqualTo(200);
        clock.moveAhead(Duration.ofHours(2));

        ConsoleBrowser contractor = browser().signIn(clinic.slug(), "locum", locum.password());
        assertThat(contractor.path()).isEqualTo("/console/sign-in");
        assertThat(contractor.text()).contains("Your account expired on", "Ask an administrator");
        contractor.screenshot("sign-in-account-expired");

        ConsoleBrowser stranger = browser().signIn(clinic.slug(), "locum", "a guess at the password");
        assertThat(stranger.text()).contains("Sign-in failed").doesNotContain("expired");
    }
}
