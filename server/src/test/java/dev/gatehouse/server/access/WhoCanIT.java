package dev.gatehouse.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestMembers.Member;
import dev.gatehouse.server.testing.TestTenants;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class WhoCanIT extends IntegrationTest {

    String operator;

    @BeforeEach
    void operator() {
        operator = operatorToken();
    }

    /** A clinic: a manager and a provider downtown, billing uptown, front desk downtown, an invited owner. */
    record Clinic(SignedInTenant tenant, String downtown, String uptown, String westWing, Member manager) {}

    private Clinic clinic() {
        SignedInTenant tenant = TestTenants.tenant("clinic").create(api, operator);
        String downtown = TestTenants.location(api, tenant, "Downtown", null);
        String westWing = TestTenants.location(api, tenant, "West wing", downtown);
        String uptown = TestTenants.location(api, tenant, "Uptown", null);
        Member manager = TestMembers.member("mia").holding("manager").at(downtown).create(api, tenant);
        TestMembers.member("dr-pat").holding("provider").at(downtown).createWithoutSignIn(api, tenant);
        TestMembers.member("ben").holding("billing").at(uptown).createWithoutSignIn(api, tenant);
        TestMembers.member("fred").holding("front_desk").at(downtown).createWithoutSignIn(api, tenant);
        TestMembers.member("ivy").holding("owner").invited().createWithoutSignIn(api, tenant);
        return new Clinic(tenant, downtown, uptown, westWing, manager);
    }

    private Response whoCan(SignedInTenant tenant, String token, String query) {
        return api.get("/api/v1/tenants/" + tenant.slug() + "/who-can?" + query, token);
    }

    private static List<String> usernames(Response response) {
        List<String> names = new ArrayList<>();
        for (JsonNode item : response.body().at("/items")) {
            names.add(item.at("/user/username").asString());
        }
        return names;
    }

    @Test
    void listsWhoMayReadPatientsAtDowntownAndHow() {
        Clinic clinic = clinic();
        Response answer = whoCan(clinic.tenant(), clinic.tenant().adminToken(),
                "permission=patients.read&location=" + clinic.downtown());

        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        // The provider reads only assigned patients and billing works uptown; the invited owner is not active.
        assertThat(usernames(answer)).containsExactly("admin", "mia");
        assertThat(answer.body().at("/total").asInt()).isEqualTo(2);
        JsonNode mia = answer.body().at("/items/1");
        assertThat(mia.at("/user/id").asString()).isNotBlank();
        assertThat(mia.at("/via/role").asString()).isEqualTo("manager");
        assertThat(mia.at("/via/grant/scope").asString()).isEqualTo("LOCATION");
        assertThat(mia.at("/via/assignment/location").asString()).isEqualTo(clinic.downtown());
        assertThat(answer.body().at("/items/0/via/role").asString()).isEqualTo("owner");
        assertThat(answer.body().at("/items/0/via/grant/permission").asString()).isEqualTo("*");
    }

    @Test
    void aRoleHeldAtALocationReachesTheLocationsBelowIt() {
        Clinic clinic = clinic();
        assertThat(usernames(whoCan(clinic.tenant(), clinic.tenant().adminToken(),
                "permission=appointments.check_in&location=" + clinic.westWing())))
                .containsExactly("admin", "fred", "mia");
        assertThat(usernames(whoCan(clinic.tenant(), clinic.tenant().adminToken(),
                "permission=patients.read&location=" + clinic.uptown()))).containsExactly("admin", "ben");
    }

    @Test
    void withoutALocationListsWhoMayAnywhere() {
        Clinic clinic = clinic();
        assertThat(usernames(whoCan(clinic.tenant(), clinic.tenant().adminToken(), "permission=patients.read")))
                .containsExactly("admin", "ben", "dr-pat", "mia");
    }

    @Test
    void agentListsPerFeatureAreWhoCanOnActAsAgent() {
        SignedInTenant desk = TestTenants.tenant("service-desk").create(api, operator);
        TestMembers.member("agent-ann").holding("agent").createWithoutSignIn(api, desk);
        TestMembers.member("agent-bob").holding("agent").createWithoutSignIn(api, desk);
        TestMembers.member("carl").holding("account_user").createWithoutSignIn(api, desk);
        TestMembers.member("manny").holding("manager").createWithoutSignIn(api, desk);
        // seed 003: GET /api/users/assignable lists the ticket agents.
        Response agents = whoCan(desk, desk.adminToken(), "permission=tickets.act_as_agent");
        assertThat(agents.status()).as(agents.raw()).isEqualTo(200);
        assertThat(usernames(agents)).containsExactly("admin", "agent-ann", "agent-bob");
        assertThat(agents.body().at("/items/1/via/grant/permission").asString()).isEqualTo("tickets.act_as_agent");
    }

    @Test
    void pagesThroughTheHolders() {
        Clinic clinic = clinic();
        Response second = whoCan(clinic.tenant(), clinic.tenant().adminToken(), "permission=patients.read&page=1&size=2");
        assertThat(second.status()).isEqualTo(200);
        assertThat(usernames(second)).containsExactly("dr-pat", "mia");
        assertThat(second.body().at("/total").asInt()).isEqualTo(4);
        assertThat(second.body().at("/page").asInt()).isEqualTo(1);
        assertThat(second.body().at("/size").asInt()).isEqualTo(2);
        Response beyond = whoCan(clinic.tenant(), clinic.tenant().adminToken(), "permission=patients.read&page=9");
        assertThat(beyond.body().at("/items").size()).isZero();
    }

    @Test
    void needsAccessCheck() {
        Clinic clinic = clinic();
        Response asManager = whoCan(clinic.tenant(), clinic.manager().token(),
                "permission=patients.read");
        assertThat(asManager.status()).isEqualTo(403);
        assertThat(asManager.text("/detail")).contains("access.check");
    }

    @Test
    void anotherTenantsListIsNotFound() {
        Clinic clinic = clinic();
        SignedInTenant other = TestTenants.tenant("clinic").create(api, operator);
        assertThat(whoCan(other, clinic.tenant().adminToken(), "permission=patients.read").status()).isEqualTo(404);
        assertThat(whoCan(other, operatorToken(), "permission=patients.read").status()).isEqualTo(404);
    }

    @Test
    void rejectsBadInputWithA400NamingTheField() {
        Clinic clinic = clinic();
        String admin = clinic.tenant().adminToken();
        assertField(whoCan(clinic.tenant(), admin, "location=" + clinic.downtown()), "permission");
        assertField(whoCan(clinic.tenant(), admin, "permission=spaceships.launch"), "permission");
        assertField(whoCan(clinic.tenant(), admin, "permission=patients.read&location=" + UUID.randomUUID()), "location");
        assertField(whoCan(clinic.tenant(), admin, "permission=patients.read&location=nowhere"), "location");
        assertField(whoCan(clinic.tenant(), admin, "permission=patients.read&size=0"), "size");
        assertField(whoCan(clinic.tenant(), admin, "permission=patients.read&page=x"), "page");
    }

    private static void assertField(Response response, String field) {
        assertThat(response.status()).as(response.raw()).isEqualTo(400);
        assertThat(response.body().at("/errors").findValuesAsString("field")).as(response.raw()).contains(field);
    }
}
