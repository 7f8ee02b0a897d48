package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Who may act on whom in the console, which calls the same services as the API: a clinic manager
 * is offered the status, password and session actions on her front desk, not on a provider, who
 * holds what she does not; pressing one anyway (a stale page) answers 403 with the reason next to
 * it, and changes nothing.
 */
class WhoMayActOnWhomConsoleIT extends IntegrationTest {

    @Test
    void aManagerIsOfferedTheActionsOnlyOnStaffWhoseWorkSheHolds() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        String downtown = api.post(tenant.path("/locations"), tenant.adminToken(), json("name", "Downtown"))
                .text("/id");
        TestMembers.member("manager").holding("manager").at(downtown).create(api, tenant);
        UUID desk = UUID.fromString(
                TestMembers.member("desk").holding("front_desk").at(downtown).create(api, tenant).id());
        UUID doc = UUID.fromString(TestMembers.member("doc").holding("provider").at(downtown).create(api, tenant).id());
        ConsoleClient manager = new ConsoleClient(port());
        manager.signIn(tenant.slug(), "manager", TestMembers.PASSWORD);

        HttpResponse<String> deskPage = manager.get("/console/users/" + desk);
        assertThat(deskPage.statusCode()).isEqualTo(200);
        assertThat(deskPage.body()).contains(">Lock<").contains("Send reset link").doesNotContain("may do things you may not");

        HttpResponse<String> docPage = manager.get("/console/users/" + doc);
        assertThat(docPage.statusCode()).isEqualTo(200);
        assertThat(docPage.body()).contains("doc may do things you may not").doesNotContain(">Lock<")
                .doesNotContain("Send reset link").doesNotContain("Set temporary password");

        HttpResponse<String> refused = manager.post("/console/users/" + doc + "/lock", Map.of());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("doc holds medical_notes.create");
        HttpResponse<String> noLink = manager.post("/console/users/" + doc + "/password-reset", Map.of());
        assertThat(noLink.statusCode()).isEqualTo(403);
        assertThat(noLink.body()).doesNotContain("token=");
        assertThat(api.get(tenant.path("/users/" + doc), tenant.adminToken()).text("/status")).isEqualTo("ACTIVE");
    }
}
