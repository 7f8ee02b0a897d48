package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 16 in a real browser: seed 003's user types page (empty, added, refused, in use, forbidden),
 * a user added with a type and as inactive, and the roster's "No role" filter for seed 001's
 * validation "every user has at least one role".
 */
class UserTypesBrowserIT extends BrowserTest {

    @Test
    void anAdminDefinesAUserTypeAndGivesItToANewUser() {
        SignedInTenant desk = TestTenants.tenant("service-desk").create(api, operatorToken());
        ConsoleBrowser admin = browser().signIn(desk.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        assertThat(admin.menu()).contains("User types");
        admin.open("/console/user-types");
        assertThat(admin.title()).startsWith("User types");
        assertThat(admin.find(".user-types-empty").getText()).isEqualTo("No user types yet.");
        admin.screenshot("user-types-empty");

        admin.fill("Key (lower-case, e.g. agent)", "field-tech").fill("Name", "Field technician");
        admin.click(admin.field("Agent"));
        admin.click(admin.field("Timers"));
        admin.press("Add user type");
        assertThat(admin.text()).contains("User type field-tech added.");
        assertThat(admin.find("table.user-types").getText()).contains("Field technician").contains("Agent")
                .contains("Timers");
        admin.screenshot("user-types-list");

        // The same key again: the form comes back saying why.
        admin.fill("Key (lower-case, e.g. agent)", "field-tech").fill("Name", "Again");
        admin.press("Add user type");
        assertThat(admin.text()).contains("exists in this tenant");

        admin.open("/console/users/new");
        admin.fill("Username", "tara").fill("First name", "Tara").fill("Last name", "Tech");
        new Select(admin.field("User type")).selectByVisibleText("Field technician");
        admin.click(admin.field("Inactive: cannot sign in until enabled (e.g. a placeholder; no invitation is sent)"));
        admin.press("Add user");
        assertThat(admin.title()).startsWith("tara");
        assertThat(admin.text()).contains("Agent");
        assertThat(new Select(admin.field("User type")).getFirstSelectedOption().getText()).isEqualTo("Field technician");
        admin.screenshot("user-with-type");
        String tara = admin.path().substring("/console/users/".length());
        assertThat(api.get(desk.path("/users/" + tara), desk.adminToken()).text("/status")).isEqualTo("DISABLED");

        // In use: deleting it is refused on the page.
        admin.open("/console/user-types");
        admin.click(admin.find("button[aria-label='Delete user type Field technician']"));
        assertThat(admin.text()).contains("is the type of 1 user(s)");
        admin.screenshot("user-types-in-use");
    }

    @Test
    void someoneWithoutUsersReadIsShownTheMissingPermission() {
        SignedInTenant desk = TestTenants.tenant("service-desk").create(api, operatorToken());
        TestMembers.member("mia").holding("manager").create(api, desk);
        ConsoleBrowser manager = browser().signIn(desk.slug(), "mia", TestMembers.PASSWORD);
        assertThat(manager.menu()).doesNotContain("User types");
        manager.open("/console/user-types");
        assertThat(manager.title()).startsWith("Forbidden");
        assertThat(manager.find(".missing-permission").getText()).isEqualTo("users.read");
    }

    @Test
    void theNoRoleFilterFindsUsersWithoutARole() {
        SignedInTenant rcm = TestTenants.tenant("rcm").create(api, operatorToken());
        api.post(rcm.path("/users"), rcm.adminToken(), json("username", "bea", "firstName", "Bea", "lastName", "Lead",
                "email", "bea@example.com", "roles", raw("[{\"role\": \"BILLING_LEAD\"}]")));
        api.post(rcm.path("/users"), rcm.adminToken(), json("username", "nora", "firstName", "Nora", "lastName", "Role",
                "email", "nora@example.com"));
        ConsoleBrowser admin = browser().signIn(rcm.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/users");
        new Select(admin.field("Roles held")).selectByVisibleText("No role");
        admin.press("Search");
        assertThat(admin.text()).contains("nora").contains("1 user").doesNotContain("bea");
        admin.screenshot("users-no-role");

        new Select(admin.field("Roles held")).selectByVisibleText("At least one role");
        admin.press("Search");
        assertThat(admin.text()).contains("bea").doesNotContain("nora");

        // Every user holds a role: the filter shows the empty list.
        api.post(rcm.path("/users/" + api.get(rcm.path("/users?q=nora"), rcm.adminToken()).text("/items/0/id")
                + "/roles"), rcm.adminToken(), json("role", "READONLY"));
        admin.open("/console/users?withoutRole=true");
        assertThat(admin.text()).contains("No users match.").contains("0 users");

        admin.open("/console/users?withoutRole=maybe");
        assertThat(admin.text()).contains("must be true or false");
    }
}
