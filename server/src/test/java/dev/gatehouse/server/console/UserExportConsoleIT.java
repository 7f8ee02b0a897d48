package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Settings › Users › Export CSV: offered and served to whoever holds users.export, as the API does. */
class UserExportConsoleIT extends IntegrationTest {

    @Test
    void anAdminDownloadsTheFilteredStaffListAndAManagerIsNeitherOfferedNorServedIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.member("desk.dee").holding("front_desk").create(api, clinic);
        TestMembers.Member max = TestMembers.member("manager.max").holding("manager").create(api, clinic);
        ConsoleClient admin = new ConsoleClient(port());
        admin.signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        HttpResponse<String> list = admin.get("/console/users?role=front_desk");
        assertThat(list.body()).contains("Export CSV").contains("href=\"/console/users/export?").contains("role=front_desk");
        HttpResponse<String> csv = admin.get("/console/users/export?role=front_desk&q=");

        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body().lines().toList()).hasSize(2);
        assertThat(csv.body()).startsWith("id,username,").contains(",desk.dee,").doesNotContain("manager.max");
        assertThat(api.get(clinic.path("/audit?action=USERS_EXPORTED"), clinic.adminToken()).body()
                .at("/items/0/details/filters/role").asString()).isEqualTo("front_desk");

        ConsoleClient manager = new ConsoleClient(port());
        manager.signIn(clinic.slug(), max.username(), max.password());
        assertThat(manager.get("/console/users").body()).doesNotContain("Export CSV");
        HttpResponse<String> refused = manager.get("/console/users/export");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("users.export");
    }
}
