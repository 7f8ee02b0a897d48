package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestTenants;
import org.junit.jupiter.api.Test;

/**
 * A child tenant's admin on Settings › Security (docs/organisations.md): each value says where it
 * comes from; changing one makes only that one the child's own, and "Return to inherited" follows
 * the parent again. A tenant without a parent shows no origins at all.
 */
class InheritedSettingsBrowserIT extends BrowserTest {

    @Test
    void aChildsAdminSeesInheritedValuesOverridesOneAndReturnsItToInherited() {
        SignedInTenant parent = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant child = TestTenants.tenant("clinic").parent(parent.slug()).create(api, operatorToken());
        assertThat(api.patch(parent.path("/settings"), parent.adminToken(),
                "{\"passwordPolicy\": {\"minLength\": 20}}").status()).isEqualTo(200);

        ConsoleBrowser top = browser().signIn(parent.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        top.open("/console/security");
        assertThat(top.findAll("#inherits-from")).as("a tenant without a parent").isEmpty();
        assertThat(top.findAll(".setting-origin")).isEmpty();

        ConsoleBrowser admin = browser().signIn(child.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.open("/console/security");
        assertThat(admin.find("#inherits-from").getText()).contains(parent.slug());
        assertThat(admin.field("Minimum password length").getDomProperty("value")).isEqualTo("20");
        assertThat(admin.find("#passwordPolicy-minLength-origin").getText()).contains("Inherited from " + parent.slug());
        assertThat(admin.findAll("#passwordPolicy-minLength-inherit")).isEmpty();
        admin.screenshot("security-settings-inherited");

        admin.fill("Sign out after inactivity (minutes)", "20").press("Save settings");
        assertThat(admin.text()).contains("Settings saved.");
        assertThat(admin.find("#sessionPolicy-idleMinutes-origin").getText()).contains("Set here for this tenant");
        assertThat(admin.find("#passwordPolicy-minLength-origin").getText())
                .as("saving the form keeps unchanged values inherited").contains("Inherited from " + parent.slug());
        assertThat(api.patch(parent.path("/settings"), parent.adminToken(),
                "{\"passwordPolicy\": {\"minLength\": 22}}").status()).isEqualTo(200);
        admin.open("/console/security");
        assertThat(admin.field("Minimum password length").getDomProperty("value")).isEqualTo("22");

        admin.click(admin.find("#sessionPolicy-idleMinutes-inherit"));
        assertThat(admin.text()).contains("Settings saved.");
        assertThat(admin.find("#sessionPolicy-idleMinutes-origin").getText()).contains("Inherited from " + parent.slug());
        assertThat(admin.field("Sign out after inactivity (minutes)").getDomProperty("value")).isEqualTo("30");
    }

    @Test
    void aDesignatedParentUserSwitchesToAChildAndChangesItsSettingsWhileAChildsAdminHasNoSwitcher() {
        SignedInTenant parent = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant child = TestTenants.tenant("clinic").parent(parent.slug()).create(api, operatorToken());

        ConsoleBrowser below = browser().signIn(child.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        below.open("/console/security");
        assertThat(below.findAll("#tenant-switcher")).as("no tenant below the child").isEmpty();
        below.open("/console/security?tenant=" + parent.slug());
        assertThat(below.text()).as("the parent is not there for the child").doesNotContain("Minimum password length");

        ConsoleBrowser admin = browser().signIn(parent.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.open("/console/security");
        new org.openqa.selenium.support.ui.Select(admin.find("#switch-tenant")).selectByValue(child.slug());
        admin.press("Switch");
        assertThat(admin.find("#settings-tenant").getText()).isEqualTo(child.slug());
        assertThat(admin.find("#inherits-from").getText()).contains(parent.slug());
        admin.screenshot("security-settings-tenant-switcher");
        admin.fill("Sign out after inactivity (minutes)", "25").press("Save settings");
        assertThat(admin.text()).contains("Settings saved.");
        assertThat(admin.find("#settings-tenant").getText()).isEqualTo(child.slug());
        assertThat(api.get(child.path("/settings"), child.adminToken()).body().at("/sessionPolicy/idleMinutes").asInt())
                .isEqualTo(25);
        assertThat(api.get(parent.path("/settings"), parent.adminToken()).body().at("/sessionPolicy/idleMinutes")
                .asInt()).as("the parent's own: untouched").isEqualTo(30);
    }
}
