package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Seed 001's validation table answered by API calls ("app_user count matches the roster", "every
 * user has at least one role", "USER_CREATED count matches step 1"), and seed 003's "Initial Status:
 * Active/Inactive".
 */
class RosterValidationIT extends IntegrationTest {

    private static List<String> usernames(Response response) {
        assertThat(response.status()).as(response.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode item : response.body().at("/items")) {
            names.add(item.at("/username").asString());
        }
        return names;
    }

    private Response create(SignedInTenant rcm, String body) {
        return api.post(rcm.path("/users"), rcm.adminToken(), body);
    }

    @Test
    void walksSeed001sValidationTable() {
        SignedInTenant rcm = TestTenants.tenant("rcm").create(api, operatorToken());
        // Step 1: the customer's admin adds their team.
        for (String[] member : new String[][] {{"bea", "BILLING_LEAD"}, {"bill", "BILLER"}, {"rae", "RCM_ANALYST"}}) {
            Response created = create(rcm, json("username", member[0], "firstName", "F", "lastName", "L", "email",
                    member[0] + "@" + rcm.slug() + ".example", "roles", raw("[{\"role\": \"" + member[1] + "\"}]")));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
        }
        // Someone added without a role, and someone whose only role has ended.
        assertThat(create(rcm, json("username", "nora", "firstName", "N", "lastName", "R", "email",
                "nora@" + rcm.slug() + ".example")).status()).isEqualTo(201);
        assertThat(create(rcm, json("username", "old", "firstName", "O", "lastName", "D", "email",
                "old@" + rcm.slug() + ".example", "roles", raw("[{\"role\": \"BILLER\", \"startsAt\":"
                        + " \"2020-01-01T00:00:00Z\", \"expiresAt\": \"2020-02-01T00:00:00Z\"}]"))).status())
                .isEqualTo(201);

        // app_user count matches the roster: admin plus the five added.
        Response all = api.get(rcm.path("/users?hidden=any"), rcm.adminToken());
        assertThat(all.body().at("/total").asInt()).isEqualTo(6);
        // Every user has at least one role: the ones who do not are listed, to fix.
        assertThat(usernames(api.get(rcm.path("/users?withoutRole=true"), rcm.adminToken())))
                .containsExactly("nora", "old");
        assertThat(usernames(api.get(rcm.path("/users?withoutRole=false"), rcm.adminToken())))
                .containsExactly("admin", "bea", "bill", "rae");
        // USER_CREATED count matches step 1 (the first admin is created by the operator, on the trail too).
        Response createdEvents = api.get(rcm.path("/audit?action=USER_CREATED&size=200"), rcm.adminToken());
        assertThat(createdEvents.status()).as(createdEvents.raw()).isEqualTo(200);
        long byAdmin = 0;
        for (JsonNode event : createdEvents.body().at("/items")) {
            if (event.at("/actor/username").asString().equals(SignedInTenant.ADMIN)) {
                byAdmin++;
            }
        }
        assertThat(byAdmin).isEqualTo(5);

        Response bad = api.get(rcm.path("/users?withoutRole=maybe"), rcm.adminToken());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().at("/errors/0/field").asString()).isEqualTo("withoutRole");
    }

    @Test
    void createsAnInactiveAccountThatCannotSignInUntilEnabled() {
        SignedInTenant desk = TestTenants.tenant("service-desk").create(api, operatorToken());
        Response created = create(desk, json("username", "placeholder", "firstName", "P", "lastName", "H", "password",
                TestMembers.INITIAL, "status", "INACTIVE", "roles", raw("[{\"role\": \"agent\"}]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("/status")).isEqualTo("DISABLED");
        assertThat(created.body().has("invitationUrl") && !created.body().get("invitationUrl").isNull()).isFalse();
        Response login = api.post("/api/v1/auth/login", null, json("tenant", desk.slug(), "username", "placeholder",
                "password", TestMembers.INITIAL));
        assertThat(login.status()).isEqualTo(401);
        assertThat(usernames(api.get(desk.path("/users?status=DISABLED"), desk.adminToken())))
                .containsExactly("placeholder");

        String id = created.text("/id");
        assertThat(api.post(desk.path("/users/" + id + "/enable"), desk.adminToken(), "").text("/status"))
                .isEqualTo("ACTIVE");
        assertThat(api.post("/api/v1/auth/login", null, json("tenant", desk.slug(), "username", "placeholder",
                "password", TestMembers.INITIAL)).status()).isEqualTo(200);
    }

    @Test
    void anInactivePlaceholderNeedsNoEmailAndGetsNoInvitation() {
        SignedInTenant desk = TestTenants.tenant("service-desk").create(api, operatorToken());
        Response placeholder = create(desk, json("username", "tbd", "firstName", "T", "lastName", "D", "active", false));
        assertThat(placeholder.status()).as(placeholder.raw()).isEqualTo(201);
        assertThat(placeholder.text("/status")).isEqualTo("DISABLED");
        String id = placeholder.text("/id");
        // Enabled without a password, the account waits for an invitation.
        assertThat(api.post(desk.path("/users/" + id + "/enable"), desk.adminToken(), "").text("/status"))
                .isEqualTo("INVITED");

        Response invited = create(desk, json("username", "xavier", "firstName", "X", "lastName", "Y", "active", false,
                "invite", true, "email", "xavier@" + desk.slug() + ".example"));
        assertThat(invited.status()).isEqualTo(400);
        assertThat(invited.body().at("/errors/0/field").asString()).isEqualTo("invite");
        Response contradiction = create(desk, json("username", "zara", "firstName", "Z", "lastName", "Z", "active", true,
                "status", "INACTIVE"));
        assertThat(contradiction.status()).isEqualTo(400);
        assertThat(contradiction.body().at("/errors/0/field").asString()).isEqualTo("active");
        Response locked = create(desk, json("username", "lola", "firstName", "L", "lastName", "L", "status", "LOCKED"));
        assertThat(locked.body().at("/errors/0/field").asString()).isEqualTo("status");
    }
}
