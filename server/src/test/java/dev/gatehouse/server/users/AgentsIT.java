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
 * Seed 003, "Multi-Layer Agent Determination", over HTTP: the user-type layer, the
 * {@code *.act_as_agent} layer and the internal fallback layer; only active, visible people; read by
 * the feature's assigners and its agents, refused to others.
 */
class AgentsIT extends IntegrationTest {

    private SignedInTenant desk() {
        return TestTenants.tenant("service-desk").create(api, operatorToken());
    }

    private String user(SignedInTenant desk, String username, String extra) {
        Response created = api.post(desk.path("/users"), desk.adminToken(), "{\"username\": \"" + username
                + "\", \"firstName\": \"F\", \"lastName\": \"L\", \"password\": \"" + TestMembers.INITIAL + "\""
                + extra + "}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/id");
    }

    private static String holding(String role) {
        return ", \"roles\": [{\"role\": \"" + role + "\"}]";
    }

    private Response agents(SignedInTenant desk, String token, String query) {
        return api.get(desk.path("/users/agents" + query), token);
    }

    private static List<String> usernames(Response response) {
        assertThat(response.status()).as(response.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode item : response.body().at("/items")) {
            names.add(item.at("/username").asString());
        }
        return names;
    }

    private static String layerOf(Response response, String username) {
        for (JsonNode item : response.body().at("/items")) {
            if (item.at("/username").asString().equals(username)) {
                return item.at("/layer").asString();
            }
        }
        throw new AssertionError(username + " is not listed: " + response.raw());
    }

    @Test
    void eachLayerOfTheSeedsRuleMakesAgentsInOrder() {
        SignedInTenant desk = desk();
        Response type = api.post(desk.path("/user-types"), desk.adminToken(), json("key", "field-tech", "name",
                "Field technician", "baseRoles", raw("[\"employee\"]"), "agentTypes", raw("[\"timer\"]")));
        assertThat(type.status()).as(type.raw()).isEqualTo(201);
        user(desk, "tara", ", \"userType\": \"field-tech\"");
        user(desk, "andy", holding("agent"));
        user(desk, "mona", holding("manager"));
        String account = TestTenants.location(api, desk, "Acme", null);
        user(desk, "carl", ", \"roles\": [{\"role\": \"manager\", \"location\": \"" + account + "\"}]");
        user(desk, "emma", holding("employee"));

        Response timers = agents(desk, desk.adminToken(), "?type=timer");
        // admin holds * (act_as_agent too); carl manages only the Acme account, so he is no internal fallback.
        assertThat(usernames(timers)).containsExactly("admin", "andy", "mona", "tara");
        assertThat(layerOf(timers, "tara")).isEqualTo("USER_TYPE");
        assertThat(layerOf(timers, "andy")).isEqualTo("ACT_AS_AGENT");
        assertThat(layerOf(timers, "mona")).isEqualTo("FALLBACK");
        assertThat(timers.body().at("/items/1/via/grant/permission").asString()).isEqualTo("timers.act_as_agent");
        assertThat(timers.body().at("/items/2/via/grant/permission").asString()).isEqualTo("timers.manage");
        assertThat(timers.body().at("/total").asInt()).isEqualTo(4);

        // The field technician's type makes them a timer agent only; billing falls to act_as_agent holders.
        assertThat(usernames(agents(desk, desk.adminToken(), "?agent_type=billing")))
                .containsExactly("admin", "andy");
        assertThat(usernames(api.get(desk.path("/users/billing-agents"), desk.adminToken())))
                .containsExactly("admin", "andy");
        // Tickets: seed 003's /users/assignable and ?assignable=true are the ticket agents; mona manages tickets.
        assertThat(usernames(api.get(desk.path("/users/assignable"), desk.adminToken())))
                .containsExactly("admin", "andy", "mona");
        assertThat(usernames(agents(desk, desk.adminToken(), "?assignable=true")))
                .containsExactly("admin", "andy", "mona");
        // Paged.
        Response second = agents(desk, desk.adminToken(), "?type=timer&page=1&size=3");
        assertThat(usernames(second)).containsExactly("tara");
        assertThat(second.body().at("/total").asInt()).isEqualTo(4);
    }

    @Test
    void inactiveHiddenAndServiceAccountsAreNeverAgents() {
        SignedInTenant desk = desk();
        user(desk, "andy", holding("agent"));
        user(desk, "idle", holding("agent") + ", \"status\": \"INACTIVE\"");
        user(desk, "ghost", holding("agent") + ", \"hidden\": true");
        String disabled = user(desk, "dora", holding("agent"));
        assertThat(api.post(desk.path("/users/" + disabled + "/disable"), desk.adminToken(), "").status())
                .isEqualTo(200);
        Response bot = api.post(desk.path("/users"), desk.adminToken(), json("username", "bot", "firstName", "B",
                "lastName", "Ot", "kind", "SERVICE", "roles", raw("[{\"role\": \"agent\"}]")));
        assertThat(bot.status()).as(bot.raw()).isEqualTo(201);

        assertThat(usernames(agents(desk, desk.adminToken(), "?type=ticket"))).containsExactly("admin", "andy");
    }

    @Test
    void agentsReadTheirOwnListWhileCustomersCannot() {
        SignedInTenant desk = desk();
        TestMembers.Member agent = TestMembers.member("andy").holding("agent").create(api, desk);
        TestMembers.Member customer = TestMembers.member("cora").holding("account_user").create(api, desk);
        TestMembers.Member employee = TestMembers.member("emil").holding("employee").create(api, desk);

        // An agent holds tickets.act_as_agent: seed 003's agents pick colleagues (before, who-can needed access.check).
        assertThat(usernames(agents(desk, agent.token(), "?type=ticket"))).containsExactly("admin", "andy");
        // timers.create is how a timer is started for someone: employees may read the timer agents.
        assertThat(agents(desk, employee.token(), "?type=timer").status()).isEqualTo(200);
        // An account user assigns nothing and is no agent.
        Response refused = agents(desk, customer.token(), "?type=ticket");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.body().at("/detail").asString()).contains("tickets.act_as_agent");
        // Nor may an employee read the billing agents.
        assertThat(agents(desk, employee.token(), "?type=billing").status()).isEqualTo(403);
    }

    @Test
    void badQueriesAre400sAndOtherTenantsAre404s() {
        SignedInTenant desk = desk();
        SignedInTenant other = desk();
        Response unknown = agents(desk, desk.adminToken(), "?type=coffee");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().at("/errors/0/field").asString()).isEqualTo("type");
        assertThat(agents(desk, desk.adminToken(), "?type=timer&agent_type=billing").status()).isEqualTo(400);
        assertThat(agents(desk, desk.adminToken(), "?type=timer&assignable=true").status()).isEqualTo(400);
        Response location = agents(desk, desk.adminToken(), "?type=timer&location=" + java.util.UUID.randomUUID());
        assertThat(location.status()).isEqualTo(400);
        assertThat(location.body().at("/errors/0/field").asString()).isEqualTo("location");
        assertThat(api.get(other.path("/users/agents?type=timer"), desk.adminToken()).status()).isEqualTo(404);
    }

    @Test
    void aLocationNarrowsThePermissionLayersToWhoMayActThere() {
        SignedInTenant desk = desk();
        String acme = TestTenants.location(api, desk, "Acme", null);
        String globex = TestTenants.location(api, desk, "Globex", null);
        user(desk, "ann", ", \"roles\": [{\"role\": \"agent\", \"location\": \"" + acme + "\"}]");
        user(desk, "gus", ", \"roles\": [{\"role\": \"agent\", \"location\": \"" + globex + "\"}]");
        assertThat(usernames(agents(desk, desk.adminToken(), "?type=ticket&location=" + acme)))
                .containsExactly("admin", "ann");
        assertThat(usernames(agents(desk, desk.adminToken(), "?type=ticket"))).containsExactly("admin", "ann", "gus");
    }
}
