package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import org.junit.jupiter.api.Test;

/** The menu shows only what the engine allows, and a forbidden page names the missing permission. */
class PermissionsBrowserIT extends BrowserTest {

    @Test
    void frontDeskSeesNeitherRolesNorSecurityAndTheRolesUrlAnswersTheForbiddenPage() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member frontDesk = TestMembers.member("frontdesk").holding("front_desk").create(api, clinic);

        ConsoleBrowser desk = browser().signIn(clinic.slug(), frontDesk.username(), frontDesk.password());
        assertThat(desk.path()).isEqualTo("/console");
        assertThat(desk.menu()).contains("Profile", "Sign out").doesNotContain("Roles", "Security", "Users", "Tenants");

        desk.open("/console/roles");
        assertThat(desk.title()).startsWith("Forbidden");
        assertThat(desk.find(".missing-permission").getText()).isEqualTo("roles.read");
        desk.screenshot("forbidden");

        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(admin.menu()).contains("Users", "Roles", "Locations", "Security", "Activity log", "Profile")
                .doesNotContain("Tenants");
        admin.screenshot("home");
    }
}
