package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.DirectStaff;
import dev.gatehouse.server.testing.SignedInTenant;
import org.junit.jupiter.api.Test;

/** The menu shows only what the engine allows, and a forbidden page names the missing permission. */
class PermissionsBrowserIT extends BrowserTest {

    @Test
    void frontDeskSeesNeitherRolesNorSecurityAndTheRolesUrlAnswersTheForbiddenPage() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        directStaff().add(clinic.id(), "frontdesk", "front_desk", null);

        ConsoleBrowser desk = browser().signIn(clinic.slug(), "frontdesk", DirectStaff.PASSWORD);
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
