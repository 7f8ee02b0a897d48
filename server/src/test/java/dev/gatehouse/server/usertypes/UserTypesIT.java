package dev.gatehouse.server.usertypes;

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

/** Seed 003's user types over HTTP: a tenant-defined attribute whose base roles come and go with it. */
class UserTypesIT extends IntegrationTest {

    private SignedInTenant desk() {
        return TestTenants.tenant("service-desk").create(api, operatorToken());
    }

    private Response type(SignedInTenant desk, String key, String roles, String agents) {
        return api.post(desk.path("/user-types"), desk.adminToken(), json("key", key, "name", "Type " + key,
                "baseRoles", raw(roles), "agentTypes", raw(agents)));
    }

    private String user(SignedInTenant desk, String username, String userType) {
        Response created = api.post(desk.path("/users"), desk.adminToken(), json("username", username, "firstName",
                "F", "lastName", "L", "password", TestMembers.INITIAL, "userType", userType));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/id");
    }

    /** The user's assignments as {@code role/source}. */
    private List<String> roles(SignedInTenant desk, String user) {
        Response roles = api.get(desk.path("/users/" + user + "/roles"), desk.adminToken());
        assertThat(roles.status()).as(roles.raw()).isEqualTo(200);
        List<String> held = new ArrayList<>();
        JsonNode items = roles.body().has("items") ? roles.body().at("/items") : roles.body();
        for (JsonNode item : items) {
            held.add(item.at("/role").asString() + "/" + item.at("/source").asString());
        }
        return held;
    }

    @Test
    void aUsersTypeGrantsItsBaseRolesAndAChangeOfTypeTakesThemBack() {
        SignedInTenant desk = desk();
        assertThat(type(desk, "agent", "[\"agent\"]", "[\"timer\", \"ticket\"]").status()).isEqualTo(201);
        assertThat(type(desk, "account-user", "[\"account_user\"]", "[]").status()).isEqualTo(201);
        String ann = user(desk, "ann", "agent");

        assertThat(api.get(desk.path("/users/" + ann), desk.adminToken()).text("/userType")).isEqualTo("agent");
        assertThat(roles(desk, ann)).containsExactly("agent/USER_TYPE");
        // Only a type change removes a type's role.
        Response roles = api.get(desk.path("/users/" + ann + "/roles"), desk.adminToken());
        JsonNode items = roles.body().has("items") ? roles.body().at("/items") : roles.body();
        String assignment = items.get(0).at("/id").asString();
        Response revoke = api.delete(desk.path("/users/" + ann + "/roles/" + assignment), desk.adminToken());
        assertThat(revoke.status()).as(revoke.raw()).isEqualTo(409);

        Response changed = api.patch(desk.path("/users/" + ann), desk.adminToken(), json("userType", "account-user"));
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
        assertThat(changed.text("/userType")).isEqualTo("account-user");
        assertThat(roles(desk, ann)).containsExactly("account_user/USER_TYPE");
        Response cleared = api.patch(desk.path("/users/" + ann), desk.adminToken(), "{\"userType\": null}");
        assertThat(cleared.status()).as(cleared.raw()).isEqualTo(200);
        assertThat(roles(desk, ann)).isEmpty();

        Response trail = api.get(desk.path("/audit?action=ROLE_REVOKED"), desk.adminToken());
        assertThat(trail.raw()).contains("USER_TYPE");
        Response updated = api.get(desk.path("/audit?action=USER_UPDATED"), desk.adminToken());
        assertThat(updated.raw()).contains("userType");
    }

    @Test
    void changingWhatATypeGrantsChangesEveryUserOfIt() {
        SignedInTenant desk = desk();
        type(desk, "staff", "[\"employee\"]", "[]");
        String eve = user(desk, "eve", "staff");
        String sam = user(desk, "sam", "staff");
        Response replaced = api.put(desk.path("/user-types/staff"), desk.adminToken(), json("name", "Staff", "baseRoles",
                raw("[\"agent\"]"), "agentTypes", raw("[\"time\"]")));
        assertThat(replaced.status()).as(replaced.raw()).isEqualTo(200);
        assertThat(replaced.body().at("/agentTypes/0").asString()).isEqualTo("time");
        assertThat(roles(desk, eve)).containsExactly("agent/USER_TYPE");
        assertThat(roles(desk, sam)).containsExactly("agent/USER_TYPE");
        assertThat(api.get(desk.path("/audit?action=USER_TYPE_UPDATED"), desk.adminToken()).raw()).contains("baseRoles");
    }

    @Test
    void aTypeInUseCannotBeDeletedAndAnUnusedOneCan() {
        SignedInTenant desk = desk();
        type(desk, "staff", "[\"employee\"]", "[]");
        type(desk, "spare", "[]", "[]");
        user(desk, "eve", "staff");
        assertThat(api.delete(desk.path("/user-types/staff"), desk.adminToken()).status()).isEqualTo(409);
        assertThat(api.get(desk.path("/user-types/staff"), desk.adminToken()).status()).isEqualTo(200);
        assertThat(api.delete(desk.path("/user-types/spare"), desk.adminToken()).status()).isEqualTo(204);
        assertThat(api.get(desk.path("/user-types/spare"), desk.adminToken()).status()).isEqualTo(404);
        Response list = api.get(desk.path("/user-types"), desk.adminToken());
        assertThat(list.body().at("/items").size()).isEqualTo(1);
        assertThat(list.body().at("/total").asInt()).isEqualTo(1);
    }

    @Test
    void badTypesAreRefusedNamingTheField() {
        SignedInTenant desk = desk();
        Response role = type(desk, "x", "[\"no_such_role\"]", "[]");
        assertThat(role.status()).isEqualTo(400);
        assertThat(role.body().at("/errors/0/field").asString()).isEqualTo("baseRoles[0]");
        Response agent = type(desk, "x", "[]", "[\"coffee\"]");
        assertThat(agent.body().at("/errors/0/field").asString()).isEqualTo("agentTypes[0]");
        Response key = type(desk, "Not A Key", "[]", "[]");
        assertThat(key.body().at("/errors/0/field").asString()).isEqualTo("key");
        Response unknownField = api.post(desk.path("/user-types"), desk.adminToken(), json("key", "y", "name", "Y",
                "permissions", "all"));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(type(desk, "dup", "[]", "[]").status()).isEqualTo(201);
        assertThat(type(desk, "dup", "[]", "[]").status()).isEqualTo(409);
        Response unknownType = api.post(desk.path("/users"), desk.adminToken(), json("username", "ursula", "firstName", "F",
                "lastName", "L", "password", TestMembers.INITIAL, "userType", "nope"));
        assertThat(unknownType.status()).isEqualTo(400);
        assertThat(unknownType.body().at("/errors/0/field").asString()).isEqualTo("userType");
    }

    @Test
    void anotherTenantsTypesAreNotFoundAndCannotBeGiven() {
        SignedInTenant desk = desk();
        SignedInTenant other = desk();
        api.post(other.path("/user-types"), other.adminToken(), json("key", "theirs", "name", "Theirs"));
        assertThat(api.get(desk.path("/user-types/theirs"), desk.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(other.path("/user-types/theirs"), desk.adminToken()).status()).isEqualTo(404);
        assertThat(api.put(other.path("/user-types/theirs"), desk.adminToken(), json("name", "Mine")).status())
                .isEqualTo(404);
        Response given = api.post(desk.path("/users"), desk.adminToken(), json("username", "ursula", "firstName", "F",
                "lastName", "L", "password", TestMembers.INITIAL, "userType", "theirs"));
        assertThat(given.status()).isEqualTo(400);
        assertThat(given.body().at("/errors/0/field").asString()).isEqualTo("userType");
    }

    @Test
    void aTypeCannotHandOutMoreThanItsMakerHolds() {
        SignedInTenant desk = desk();
        TestMembers.Member manager = TestMembers.member("mia").holding("manager").create(api, desk);
        // A manager assigns no roles: no types, and no type for a user either.
        Response made = api.post(desk.path("/user-types"), manager.token(), json("key", "boss", "name", "Boss",
                "baseRoles", raw("[\"super_admin\"]")));
        assertThat(made.status()).as(made.raw()).isEqualTo(403);
        type(desk, "admins", "[\"super_admin\"]", "[]");
        String mia = manager.id();
        Response self = api.patch(desk.path("/users/" + mia), manager.token(), json("userType", "admins"));
        assertThat(self.status()).as(self.raw()).isEqualTo(403);
        // Read with users.read, which a service-desk manager does not hold.
        assertThat(api.get(desk.path("/user-types"), manager.token()).status()).isEqualTo(403);
    }
}
