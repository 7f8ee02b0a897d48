package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/**
 * The registration settings on Settings › Security (issue 16): open registration, the registrant's role,
 * approval, requestable roles and the allowed e-mail domains, in each state the form can show.
 */
class RegistrationSettingsBrowserIT extends BrowserTest {

    @Test
    void anAdminOpensRegistrationWithARoleAndApprovalAndABadDomainIsRefusedNamingTheFieldAndSavingNothing() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        // Closed by default: nobody registers, with the pack's default role, without approval.
        admin.open("/console/security");
        assertThat(admin.text()).contains("Registration");
        assertThat(admin.field("Anyone may register").isSelected()).isFalse();
        assertThat(admin.field("An administrator approves each registration").isSelected()).isFalse();
        assertThat(new Select(admin.field("Role a new registrant gets")).getFirstSelectedOption().getText())
                .isEqualTo("(the pack's default role)");
        assertThat(admin.find("#registration-requestableRoles-provider").isSelected()).isFalse();

        // A bad domain beside the switches: the domain's field says why, and nothing is saved.
        admin.click(admin.field("Anyone may register"));
        admin.fill("Allowed e-mail domains", "bad_domain!");
        admin.press("Save settings");
        assertThat(admin.field("Allowed e-mail domains").getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(admin.find("#emailDomains-error").getText()).isNotBlank();
        assertThat(api.get(clinic.path("/settings"), clinic.adminToken()).body().at("/registration/open").asBoolean())
                .as("nothing saved").isFalse();

        // Right: open, front desk role, approval, the provider role requestable, one domain.
        admin.fill("Allowed e-mail domains", "north.example");
        if (!admin.field("Anyone may register").isSelected()) {
            admin.click(admin.field("Anyone may register"));
        }
        new Select(admin.field("Role a new registrant gets")).selectByValue("front_desk");
        admin.click(admin.field("An administrator approves each registration"));
        admin.click(admin.find("#registration-requestableRoles-provider"));
        admin.press("Save settings");
        assertThat(admin.text()).contains("Settings saved.");
        assertThat(admin.field("Anyone may register").isSelected()).isTrue();
        assertThat(new Select(admin.field("Role a new registrant gets")).getFirstSelectedOption().getDomAttribute("value"))
                .isEqualTo("front_desk");
        JsonNode stored = api.get(clinic.path("/settings"), clinic.adminToken()).body();
        assertThat(stored.at("/registration/open").asBoolean()).isTrue();
        assertThat(stored.at("/registration/defaultRole").asString()).isEqualTo("front_desk");
        assertThat(stored.at("/registration/approval").asBoolean()).isTrue();
        assertThat(stored.at("/registration/requestableRoles/0").asString()).isEqualTo("provider");
        assertThat(stored.at("/emailDomains/0").asString()).isEqualTo("north.example");
        admin.screenshot("registration-settings");

        // What the form set works: a stranger's registration waits for approval with the front desk role.
        assertThat(api.post("/api/v1/auth/register", null, json("email", "rita@elsewhere.example", "username", "rita",
                "firstName", "Rita", "lastName", "Reg", "tenant", clinic.slug())).status()).isEqualTo(202);
        JsonNode waiting = api.get(clinic.path("/registrations?status=PENDING"), clinic.adminToken()).body();
        assertThat(waiting.at("/items/0/username").asString()).isEqualTo("rita");
        assertThat(waiting.at("/items/0/role").asString()).isEqualTo("front_desk");

        // Back to the pack's default role and closed.
        admin.open("/console/security");
        // A script's click: the native select's scrolling can leave the switch where WebDriver cannot click it.
        admin.driver().executeScript("arguments[0].click()", admin.field("Anyone may register"));
        new Select(admin.field("Role a new registrant gets")).selectByValue("");
        admin.press("Save settings");
        assertThat(admin.text()).contains("Settings saved.");
        JsonNode closed = api.get(clinic.path("/settings"), clinic.adminToken()).body();
        assertThat(closed.at("/registration/open").asBoolean()).isFalse();
        assertThat(closed.at("/registration/defaultRole").isNull()).isTrue();
    }
}
