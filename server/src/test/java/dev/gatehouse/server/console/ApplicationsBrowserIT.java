package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The Applications screen (the tenant's OAuth clients) in each of its states: the empty list, a confidential
 * client registered with its secret shown once, a field refused in place, an edit, a rotated secret, a
 * public client without one, deletion; and the menu entry only for those who hold clients.manage.
 */
class ApplicationsBrowserIT extends BrowserTest {

    @Test
    void anAdminRegistersAnApplicationSeesItsSecretOnceEditsItRotatesTheSecretAndDeletesIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(admin.menu()).contains("Applications");

        admin.press("Applications");
        assertThat(admin.path()).isEqualTo("/console/clients");
        assertThat(admin.find("#no-clients").getText()).isEqualTo("No applications registered yet.");
        admin.screenshot("clients-empty");

        admin.fill("Application name", "Scheduling").fill("Redirect URIs", "https://schedule.example/callback\nhttps://*.example/cb");
        admin.press("Register application");
        assertThat(admin.text()).contains("line 2: must be exact: no wildcards");
        assertThat(admin.find("#redirectUris").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(admin.find("#name").getDomProperty("value")).isEqualTo("Scheduling");
        admin.screenshot("clients-invalid");

        admin.fill("Redirect URIs", "https://schedule.example/callback");
        admin.fill("Post-logout redirect URIs", "https://schedule.example/signed-out");
        admin.press("Register application");
        assertThat(admin.title()).startsWith("Application registered");
        String clientId = admin.find("#client-id").getText();
        String secret = admin.find("#client-secret").getText();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
        assertThat(admin.find("#issuer").getText()).endsWith("/oauth2/" + clinic.slug());
        admin.screenshot("clients-created");

        Response stored = api.get(clinic.path("/clients/" + clientId), clinic.adminToken());
        assertThat(stored.status()).as(stored.raw()).isEqualTo(200);
        assertThat(stored.raw()).doesNotContain(secret);

        admin.press("I have saved it");
        assertThat(admin.path()).isEqualTo("/console/clients/" + clientId);
        assertThat(admin.text()).doesNotContain(secret);
        admin.fill("Redirect URIs", "https://schedule.example/callback\nhttps://schedule.example/other");
        admin.press("Save");
        assertThat(admin.text()).contains("Application saved.");
        assertThat(api.get(clinic.path("/clients/" + clientId), clinic.adminToken()).body().get("redirectUris").toString())
                .isEqualTo("[\"https://schedule.example/callback\",\"https://schedule.example/other\"]");
        admin.screenshot("clients-edit");

        admin.press("Rotate secret");
        assertThat(admin.title()).startsWith("New secret");
        assertThat(admin.find("#client-secret").getText()).isNotEqualTo(secret);

        admin.open("/console/clients");
        assertThat(admin.findAll("#clients tbody tr")).hasSize(1);
        admin.fill("Application name", "Patient portal").fill("Redirect URIs", "https://portal.example/callback");
        admin.find("#type-public").click();
        admin.press("Register application");
        assertThat(admin.title()).startsWith("Application registered");
        assertThat(admin.findAll("#client-secret")).isEmpty();

        admin.open("/console/clients/" + clientId);
        // The htmx button's confirmation dialog blocks WebDriver's own click until it is answered.
        admin.driver().executeScript("arguments[0].click()",
                admin.find("main").findElement(By.xpath(".//button[normalize-space()='Delete']")));
        admin.confirm();
        // htmx follows the answer's HX-Redirect to the list.
        admin.waitUntil(Duration.ofSeconds(15), driver -> driver.findElements(By.cssSelector("[role=status]")).stream()
                        .anyMatch(notice -> notice.getText().equals("Application Scheduling deleted.")));
        assertThat(admin.path()).isEqualTo("/console/clients");
        assertThat(api.get(clinic.path("/clients/" + clientId), clinic.adminToken()).status()).isEqualTo(404);
    }

    @Test
    void frontDeskHasNoApplicationsEntryAndTheUrlAnswersTheForbiddenPage() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.member("frontdesk").holding("front_desk").create(api, clinic);

        ConsoleBrowser desk = browser().signIn(clinic.slug(), "frontdesk", TestMembers.PASSWORD);
        assertThat(desk.menu()).doesNotContain("Applications");
        desk.open("/console/clients");
        assertThat(desk.title()).startsWith("Forbidden");
        assertThat(desk.find(".missing-permission").getText()).isEqualTo("clients.manage");
    }
}
