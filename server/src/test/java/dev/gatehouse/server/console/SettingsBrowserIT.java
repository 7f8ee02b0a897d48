package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

/** An admin changes security settings and reads the activity log; an operator creates a tenant. */
class SettingsBrowserIT extends BrowserTest {

    @Test
    void adminChangesSettingsFindsTheChangeInTheActivityLogAndExportsIt() throws IOException, InterruptedException {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/security").fill("Minimum password length", "7").press("Save settings");
        WebElement minLength = admin.field("Minimum password length");
        assertThat(minLength.getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(minLength.getDomProperty("value")).isEqualTo("7");
        assertThat(admin.find("#passwordPolicy-minLength-error").getText()).contains("from 8 to 64");

        admin.fill("Minimum password length", "20").fill("Sign out after inactivity (minutes)", "20")
                .press("Save settings");
        assertThat(admin.text()).contains("Settings saved.");
        assertThat(admin.field("Minimum password length").getDomProperty("value")).isEqualTo("20");
        assertThat(admin.field("Sign out after inactivity (minutes)").getDomProperty("value")).isEqualTo("20");
        var stored = api.get(clinic.path("/settings"), clinic.adminToken()).body();
        assertThat(stored.at("/sessionPolicy/idleMinutes").asInt()).isEqualTo(20);
        assertThat(stored.at("/passwordPolicy/minLength").asInt()).isEqualTo(20);
        admin.screenshot("security-settings");

        admin.open("/console/activity").fill("User (id or username)", SignedInTenant.ADMIN).press("Filter");
        assertThat(admin.findAll(".event .actor")).isNotEmpty()
                .allSatisfy(actor -> assertThat(actor.getText()).isEqualTo(SignedInTenant.ADMIN));
        assertThat(admin.findAll(".event .action")).extracting(WebElement::getText).contains("SETTINGS_CHANGED");
        assertThat(admin.text()).contains("sessionPolicy.idleMinutes").contains("30 → 20");
        admin.press("Verify chain");
        assertThat(admin.find(".chain-ok").getText()).startsWith("Chain intact");
        admin.screenshot("activity-log");

        String csv = admin.find("a[href*='format=csv']").getDomProperty("href");
        assertThat(csv).contains("actor=admin");
        Cookie session = admin.driver().manage().getCookieNamed("gatehouse_session");
        HttpResponse<String> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(csv))
                .header("Cookie", session.getName() + "=" + session.getValue()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(download.body()).startsWith("seq,at,action").contains("SETTINGS_CHANGED");
    }

    @Test
    void adminSetsTheApiKeyPolicyWithEachFieldCheckedAndNewKeysFollowIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        String longest = "Longest life of an API key (days)";
        String byDefault = "Life of a key made without an expiry (days)";

        admin.open("/console/security").fill(longest, "0").press("Save settings");
        assertThat(admin.field(longest).getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(admin.find("#apiKeyPolicy-maxDays-error").getText()).contains("from 1 to 3650");

        admin.fill(longest, "30").press("Save settings");
        assertThat(admin.text()).as("refused, nothing saved").doesNotContain("Settings saved.");
        assertThat(admin.field(longest).getDomProperty("value")).isEqualTo("30");
        assertThat(admin.find("#apiKeyPolicy-maxDays-error").getText())
                .contains("must not be shorter than apiKeyPolicy.defaultDays (90)");
        assertThat(api.get(clinic.path("/settings"), clinic.adminToken()).body().at("/apiKeyPolicy/maxDays").asInt())
                .as("nothing saved").isEqualTo(365);

        admin.fill(byDefault, "30").fill("Requests a key may make", "10")
                .fill("Requests a key may make: in (seconds)", "60").press("Save settings");
        assertThat(admin.text()).contains("Settings saved.");
        assertThat(admin.field(byDefault).getDomProperty("value")).isEqualTo("30");
        var stored = api.get(clinic.path("/settings"), clinic.adminToken()).body().path("apiKeyPolicy");
        assertThat(stored.path("maxDays").asInt()).isEqualTo(30);
        assertThat(stored.path("defaultDays").asInt()).isEqualTo(30);
        assertThat(stored.at("/rateLimit/requests").asInt()).isEqualTo(10);
        assertThat(stored.at("/rateLimit/perSeconds").asInt()).isEqualTo(60);
        var key = api.post(clinic.path("/api-keys"), clinic.adminToken(), "{\"name\": \"sync\", \"scopes\": [\"*\"]}")
                .body();
        assertThat(java.time.Instant.parse(key.path("expiresAt").asString()))
                .isBefore(java.time.Instant.now().plus(java.time.Duration.ofDays(31)));
        assertThat(key.at("/rateLimit/requests").asInt()).isEqualTo(10);
    }

    @Test
    void anOperatorCreatesATenantFromTheClinicPack() {
        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);
        assertThat(operator.menu()).contains("Tenants");
        String slug = uniqueSlug("north");

        operator.open("/console/tenants").fill("Name", "North Clinic").fill("Slug (in sign-in and URLs)", slug)
                .fill("Admin username", "nadmin").fill("Admin first name", "Nora").fill("Admin last name", "North")
                .fill("Admin e-mail", "not-an-address").press("Create tenant");
        assertThat(operator.field("Admin e-mail").getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(operator.field("Slug (in sign-in and URLs)").getDomProperty("value")).isEqualTo(slug);
        operator.screenshot("tenants");

        operator.fill("Admin e-mail", "nora@north.example").press("Create tenant");
        assertThat(operator.title()).startsWith("Tenant created");
        assertThat(operator.find(".invitation-link").getText()).contains("/console/invitation?token=");

        // The list is paged by slug and the suite's other tests made tenants too: find this one's page.
        operator.open("/console/tenants");
        for (int page = 1; operator.findAll(".tenant code").stream().map(WebElement::getText).noneMatch(slug::equals); page++) {
            assertThat(operator.findAll("a[href$='page=" + page + "']")).as("a next page holding " + slug).isNotEmpty();
            operator.open("/console/tenants?page=" + page);
        }
        assertThat(api.get("/api/v1/tenants/" + slug, operatorToken()).body().path("pack").asString()).isEqualTo("clinic");
    }
}
