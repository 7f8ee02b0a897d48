package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Operators › Tenants › a tenant and Operators › Help a user over HTTP (issue 16): what the
 * browser test cannot send — a tenant's admin posting the operators' forms, a deletion of an active
 * tenant that skips the page's own hiding of the form — is refused as the API refuses it.
 */
class TenantLifecycleConsoleIT extends IntegrationTest {

    @Test
    void aTenantsAdminCannotOpenOrPostTheOperatorsPages() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "rcm");
        ConsoleClient admin = new ConsoleClient(port());
        admin.signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.get("/console/users");

        assertThat(admin.get("/console/tenants/" + other.slug()).statusCode()).isEqualTo(403);
        assertThat(admin.get("/console/operator-access").statusCode()).isEqualTo(403);
        assertThat(admin.post("/console/tenants/" + clinic.slug() + "/status",
                Map.of("status", "SUSPENDED", "confirm", "yes")).statusCode()).isEqualTo(403);
        assertThat(admin.post("/console/tenants/" + other.slug() + "/delete", Map.of("confirmSlug", other.slug()))
                .statusCode()).isEqualTo(403);
        assertThat(admin.post("/console/operator-access/break-glass", Map.of("tenant", other.slug(), "username",
                SignedInTenant.ADMIN, "reason", "takeover")).statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/tenants/" + other.slug(), operatorToken()).text("/status")).isEqualTo("ACTIVE");
    }

    @Test
    void anActiveTenantIsNotDeletedEvenWhenItsSlugIsTyped() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleClient operator = new ConsoleClient(port());
        operator.signIn("platform", OPERATOR, OPERATOR_PASSWORD);
        operator.get("/console/tenants/" + clinic.slug());

        HttpResponse<String> refused = operator.post("/console/tenants/" + clinic.slug() + "/delete",
                Map.of("confirmSlug", clinic.slug()));

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("suspend it first");
        assertThat(api.get("/api/v1/tenants/" + clinic.slug(), operatorToken()).status()).isEqualTo(200);

        HttpResponse<String> cycle = operator.post("/console/tenants/" + clinic.slug() + "/parent",
                Map.of("parent", clinic.slug()));
        assertThat(cycle.statusCode()).isEqualTo(400);
        assertThat(cycle.body()).contains("cannot be its own parent");
    }
}
