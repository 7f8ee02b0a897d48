package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import org.junit.jupiter.api.Test;

/**
 * Operators › Tenants in a browser: an operator renames a tenant from its row (the service behind
 * {@code PATCH /api/v1/tenants/{tenant}}), and sees only the sections that are theirs.
 */
class TenantsBrowserIT extends BrowserTest {

    @Test
    void anOperatorRenamesATenantFromItsRowOfTheTenantsScreen() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);
        String label = "Name of " + clinic.slug();
        // The list is paged by slug and the suite's other tests made tenants too: find this one's page.
        operator.open("/console/tenants");
        for (int page = 1; operator.findAll("#name-" + clinic.slug()).isEmpty(); page++) {
            assertThat(operator.findAll("a[href$='page=" + page + "']")).as("a next page holding " + clinic.slug())
                    .isNotEmpty();
            operator.open("/console/tenants?page=" + page);
        }

        operator.fill(label, "Hillside Clinic").submit(label);

        assertThat(operator.find(".alert-success").getText()).isEqualTo("Tenant " + clinic.slug() + " renamed.");
        assertThat(api.get("/api/v1/tenants/" + clinic.slug(), clinic.adminToken()).text("/name"))
                .isEqualTo("Hillside Clinic");
        assertThat(api.get(clinic.path("/audit?action=TENANT_UPDATED"), clinic.adminToken()).body()
                .at("/items/0/details/after/name").asString()).isEqualTo("Hillside Clinic");
        operator.screenshot("tenants-renamed");
    }

    @Test
    void anOperatorsMenuHoldsOnlyTenantsAndActivityWhileATenantAdminsHoldsTheTenantsScreens() {
        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);

        assertThat(operator.menu()).containsExactly("Activity log", "Tenants", "Help a user", "Notifications", "Outbox",
                "Profile", "Sign out");
        operator.screenshot("operator-menu");
        operator.press("Tenants");
        assertThat(operator.path()).isEqualTo("/console/tenants");
        operator.press("Activity log");
        assertThat(operator.path()).isEqualTo("/console/activity");

        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(admin.menu()).containsExactly("Users", "User types", "Roles", "Locations", "Care teams",
                "Registrations", "Domain mappings", "Security", "Alerts", "Applications", "Identity providers",
                "Access reviews", "Temporary access", "Emergency access", "Break-glass reviews", "Platform overrides",
                "Reports", "Activity log",
                "Profile", "Sign out");
    }
}
