package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Operators › Tenants: an operator renames a tenant as {@code PATCH /api/v1/tenants/{tenant}} does. */
class TenantsConsoleIT extends IntegrationTest {

    @Test
    void anOperatorsMenuShowsOnlyTheSectionsThatOpenForThem() {
        ConsoleClient operator = new ConsoleClient(port());
        operator.signIn("platform", OPERATOR, OPERATOR_PASSWORD);

        HttpResponse<String> home = operator.get("/console");

        assertThat(home.statusCode()).isEqualTo(200);
        java.util.List<String> shown = java.util.regex.Pattern.compile("href=\"(/console/[a-z-]+)\"")
                .matcher(home.body()).results().map(match -> match.group(1)).distinct()
                .filter(path -> Section.of(path).isPresent()).toList();
        assertThat(shown).containsExactlyInAnyOrder("/console/tenants", "/console/activity", "/console/operator-access",
                "/console/notifications", "/console/outbox");
        for (String path : shown) {
            assertThat(operator.get(path).statusCode()).as(path).isEqualTo(200);
        }
        for (String path : java.util.List.of("/console/users", "/console/roles", "/console/locations",
                "/console/security")) {
            HttpResponse<String> refused = operator.get(path);
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(refused.body()).as(path).contains("impersonation or break-glass");
        }
    }

    @Test
    void anOperatorRenamesATenantAndABlankNameIsRefusedWithItsReason() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleClient operator = new ConsoleClient(port());
        operator.signIn("platform", OPERATOR, OPERATOR_PASSWORD);
        // The list is paged by slug and the suite's other tests made tenants too: find this one's page.
        String form = "action=\"/console/tenants/" + clinic.slug() + "/name\"";
        boolean listed = false;
        for (int page = 0; page < 100 && !listed; page++) {
            HttpResponse<String> list = operator.get("/console/tenants?page=" + page);
            listed = list.body().contains(form);
            if (!listed && !list.body().contains("page=" + (page + 1))) {
                break;
            }
        }
        assertThat(listed).as("a rename form for " + clinic.slug() + " on some page of the list").isTrue();

        HttpResponse<String> renamed = operator.post("/console/tenants/" + clinic.slug() + "/name",
                Map.of("name", "Hillside Clinic"));

        assertThat(renamed.statusCode()).isEqualTo(302);
        assertThat(renamed.headers().firstValue("Location").orElse("")).endsWith("/console/tenants?renamed=" + clinic.slug());
        assertThat(api.get("/api/v1/tenants/" + clinic.slug(), clinic.adminToken()).text("/name"))
                .isEqualTo("Hillside Clinic");
        assertThat(api.get(clinic.path("/audit?action=TENANT_UPDATED"), clinic.adminToken()).body()
                .at("/items/0/details/after/name").asString()).isEqualTo("Hillside Clinic");

        operator.get("/console/tenants");
        HttpResponse<String> blank = operator.post("/console/tenants/" + clinic.slug() + "/name", Map.of("name", "  "));
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(blank.body()).contains("must not be blank");
        assertThat(api.get("/api/v1/tenants/" + clinic.slug(), clinic.adminToken()).text("/name"))
                .isEqualTo("Hillside Clinic");

        ConsoleClient admin = new ConsoleClient(port());
        admin.signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.get("/console/users");
        assertThat(admin.post("/console/tenants/" + clinic.slug() + "/name", Map.of("name", "Mine now")).statusCode())
                .isEqualTo(403);
    }
}
