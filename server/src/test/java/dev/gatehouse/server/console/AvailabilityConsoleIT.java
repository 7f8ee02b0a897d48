package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The user page's "Weekly availability" section over plain HTTP: a day saved, a day refused, a reader's view. */
class AvailabilityConsoleIT extends IntegrationTest {

    private SignedInTenant tenant;
    private ConsoleClient admin;
    private UUID provider;

    @BeforeEach
    void tenant() {
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        admin = new ConsoleClient(port());
        admin.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        provider = UUID.fromString(TestMembers.member("drlee").holding("provider").create(api, tenant).id());
    }

    @Test
    void aDaySavedFromTheUserPageIsTheApisDayAndABadOneComesBackWithTheErrorBesideItsField() {
        String page = "/console/users/" + provider;
        assertThat(admin.get(page).body()).contains("Weekly availability").contains("Save Monday");

        HttpResponse<String> saved = admin.post(page + "/availability/MONDAY",
                Map.of("from", "09:00", "to", "17:00", "breakFrom", "12:00", "breakTo", "12:30"));
        assertThat(saved.statusCode()).isEqualTo(302);
        assertThat(admin.get(page).body()).contains("09:00–17:00; break 12:00–12:30");
        Response week = api.get(tenant.path("/users/" + provider + "/availability"), tenant.adminToken());
        assertThat(week.body().at("/days/MONDAY/hours/0/to").asString()).isEqualTo("17:00");
        assertThat(week.body().at("/days/MONDAY/breaks/0/from").asString()).isEqualTo("12:00");

        HttpResponse<String> refused = admin.post(page + "/availability/TUESDAY",
                Map.of("from", "17:00", "to", "09:00"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("id=\"TUESDAY-to-error\"").contains("must be after from")
                .contains("aria-describedby=\"TUESDAY-to-error\"").contains("value=\"17:00\"");
        assertThat(api.get(tenant.path("/users/" + provider + "/availability"), tenant.adminToken()).body()
                .at("/days/TUESDAY").isMissingNode()).isTrue();

        HttpResponse<String> off = admin.post(page + "/availability/MONDAY", Map.of("off", "true"));
        assertThat(off.statusCode()).isEqualTo(302);
        assertThat(api.get(tenant.path("/users/" + provider + "/availability"), tenant.adminToken()).body()
                .at("/days").isEmpty()).isTrue();
    }

    @Test
    void someoneWhoMayOnlyReadUsersSeesTheWeekWithoutAnythingToSaveAndCannotPostIt() {
        Response role = api.post(tenant.path("/roles"), tenant.adminToken(), json("key", "reader", "name", "Reader",
                "grants", raw("[{\"permission\": \"users.read\"}]")));
        assertThat(role.status()).as(role.raw()).isEqualTo(201);
        TestMembers.Member member = TestMembers.member("reader").holding("reader").create(api, tenant);
        ConsoleClient reader = new ConsoleClient(port());
        reader.signIn(tenant.slug(), member.username(), member.password());

        HttpResponse<String> page = reader.get("/console/users/" + provider);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Weekly availability").doesNotContain("Save Monday");
        HttpResponse<String> refused = reader.post("/console/users/" + provider + "/availability/MONDAY",
                Map.of("from", "09:00", "to", "17:00"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(api.get(tenant.path("/users/" + provider + "/availability"), tenant.adminToken()).body()
                .at("/days").isEmpty()).isTrue();
    }
}
