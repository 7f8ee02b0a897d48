package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestMembers.Member;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class CheckIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    String operator;

    @BeforeEach
    void operator() {
        operator = operatorToken();
    }

    /** A clinic with two sites and a manager at the first. */
    record Clinic(SignedInTenant tenant, String downtown, String uptown, Member manager) {}

    private Clinic clinic() {
        SignedInTenant tenant = TestTenants.tenant("clinic").create(api, operator);
        String downtown = TestTenants.location(api, tenant, "Downtown", null);
        String uptown = TestTenants.location(api, tenant, "Uptown", null);
        Member manager = TestMembers.member("mia").holding("manager").at(downtown).create(api, tenant);
        return new Clinic(tenant, downtown, uptown, manager);
    }

    private Response check(SignedInTenant tenant, String token, Object... body) {
        return api.post("/api/v1/tenants/" + tenant.slug() + "/check", token, json(body));
    }

    private static String patientAt(String location) {
        return json("type", "patient", "id", "p-1", "location", location);
    }

    @Test
    void allowsAManagerAtTheirLocationAndSaysWhichRoleAssignmentAndGrant() {
        Clinic clinic = clinic();
        Response answer = check(clinic.tenant(), clinic.tenant().adminToken(), "user", clinic.manager().id(),
                "permission", "patients.read", "resource", raw(patientAt(clinic.downtown())));

        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        assertThat(answer.body().at("/allowed").asBoolean()).isTrue();
        assertThat(answer.text("/reason/code")).isEqualTo("GRANTED_BY");
        assertThat(answer.text("/reason/explanation")).contains("manager");
        assertThat(answer.text("/via/role")).isEqualTo("manager");
        assertThat(answer.text("/via/declaredBy")).isEqualTo("manager");
        assertThat(answer.text("/via/grant/permission")).isEqualTo("patients.read");
        assertThat(answer.text("/via/grant/scope")).isEqualTo("LOCATION");
        assertThat(answer.text("/via/assignment/location")).isEqualTo(clinic.downtown());
        assertThat(answer.body().at("/via/assignment/id").isString()).isTrue();
    }

    @Test
    void deniesAManagerElsewhereWithTheScopeTheyHold() {
        Clinic clinic = clinic();
        Response answer = check(clinic.tenant(), clinic.tenant().adminToken(), "user", clinic.manager().id(),
                "permission", "patients.read", "resource", raw(patientAt(clinic.uptown())));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().at("/allowed").asBoolean()).isFalse();
        assertThat(answer.text("/reason/code")).isEqualTo("SCOPE_MISS");
        assertThat(answer.text("/reason/heldScope")).isEqualTo("LOCATION");
        assertThat(answer.text("/reason/role")).isEqualTo("manager");
        assertThat(answer.text("/reason/explanation")).contains("not within");
        assertThat(answer.body().has("via")).isFalse();
    }

    @Test
    void aProviderReadsOnlyPatientsAssignedToThem() {
        Clinic clinic = clinic();
        String provider = TestMembers.member("dr-pat").holding("provider").at(clinic.downtown())
                .createWithoutSignIn(api, clinic.tenant());
        String admin = clinic.tenant().adminToken();

        Response notAssigned = check(clinic.tenant(), admin, "user", "dr-pat", "permission", "patients.read",
                "resource", raw(patientAt(clinic.downtown())));
        assertThat(notAssigned.text("/reason/code")).isEqualTo("SCOPE_MISS");
        assertThat(notAssigned.text("/reason/heldScope")).isEqualTo("ASSIGNED");

        Response assigned = check(clinic.tenant(), admin, "user", "dr-pat", "permission", "patients.read",
                "resource", raw(json("type", "patient", "id", "p-1", "assignees",
                        raw("[\"" + provider.toUpperCase(java.util.Locale.ROOT) + "\"]"))));
        assertThat(assigned.body().at("/allowed").asBoolean()).as(assigned.raw()).isTrue();
        assertThat(assigned.text("/via/grant/scope")).isEqualTo("ASSIGNED");
    }

    @Test
    void anAssignmentThatHasNotStartedDeniesBeforeItsStartAndAllowsAfter() {
        Clinic clinic = clinic();
        Instant start = Instant.now().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
        TestMembers.member("temp").holding("front_desk").at(clinic.downtown()).from(start)
                .createWithoutSignIn(api, clinic.tenant());
        String admin = clinic.tenant().adminToken();

        Response before = check(clinic.tenant(), admin, "user", "temp", "permission", "appointments.create",
                "context", raw(json("time", start.minus(Duration.ofDays(1)).toString())));
        assertThat(before.status()).as(before.raw()).isEqualTo(200);
        assertThat(before.body().at("/allowed").asBoolean()).isFalse();
        assertThat(before.text("/reason/code")).isEqualTo("OUTSIDE_VALIDITY");
        assertThat(before.text("/reason/assignment/startsAt")).isEqualTo(start.toString());

        Response now = check(clinic.tenant(), admin, "user", "temp", "permission", "appointments.create");
        assertThat(now.text("/reason/code")).isEqualTo("OUTSIDE_VALIDITY");

        Response after = check(clinic.tenant(), admin, "user", "temp", "permission", "appointments.create",
                "context", raw(json("time", start.plus(Duration.ofHours(1)).atOffset(java.time.ZoneOffset.ofHours(2))
                        .toString())));
        assertThat(after.body().at("/allowed").asBoolean()).as(after.raw()).isTrue();
    }

    @Test
    void anUnknownPermissionIsAnOrdinaryDenyNotAnError() {
        Clinic clinic = clinic();
        Response answer = check(clinic.tenant(), clinic.tenant().adminToken(), "user", "mia", "permission",
                "spaceships.launch");
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        assertThat(answer.body().at("/allowed").asBoolean()).isFalse();
        assertThat(answer.text("/reason/code")).isEqualTo("UNKNOWN_PERMISSION");
        assertThat(answer.text("/reason/permission")).isEqualTo("spaceships.launch");
    }

    @Test
    void oneCheckAnswersFunctionalWidgetAndPageKeysAlike() {
        SignedInTenant desk = TestTenants.tenant("service-desk").create(api, operator);
        Member agent = TestMembers.member("agent-ann").holding("agent").create(api, desk);
        String token = agent.token();
        Map<String, Boolean> expected = Map.of(
                "tickets.view", true,
                "widgets.dashboard.tickets", true,
                "pages.tickets.manage", true,
                "widgets.dashboard.billing", false,
                "pages.reports.financial", false,
                "invoices.manage", false);
        expected.forEach((permission, allowed) -> {
            Response answer = check(desk, token, "user", agent.id(), "permission", permission);
            assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
            assertThat(answer.body().at("/allowed").asBoolean()).as(permission + ": " + answer.raw()).isEqualTo(allowed);
            if (!allowed) {
                assertThat(answer.text("/reason/code")).isEqualTo("NO_MATCHING_GRANT");
            }
        });
    }

    @Test
    void withSeveralRolesTheMostPermissiveWins() {
        Clinic clinic = clinic();
        // seed 002 §6.3: conflicts resolve to the most permissive option.
        TestMembers.member("dual").holding("provider").at(clinic.downtown()).holding("billing").at(clinic.downtown())
                .createWithoutSignIn(api, clinic.tenant());
        Response answer = check(clinic.tenant(), clinic.tenant().adminToken(), "user", "dual", "permission",
                "patients.read", "resource", raw(patientAt(clinic.downtown())));
        assertThat(answer.body().at("/allowed").asBoolean()).as(answer.raw()).isTrue();
        assertThat(answer.text("/via/role")).isEqualTo("billing");
        assertThat(answer.text("/via/grant/scope")).isEqualTo("LOCATION");
    }

    @Test
    void aDisabledUserIsDeniedWhateverTheirRoles() {
        Clinic clinic = clinic();
        TestMembers.member("gone").holding("owner").disabled().createWithoutSignIn(api, clinic.tenant());
        Response answer = check(clinic.tenant(), clinic.tenant().adminToken(), "user", "gone", "permission",
                "patients.read");
        assertThat(answer.body().at("/allowed").asBoolean()).isFalse();
        assertThat(answer.text("/reason/code")).isEqualTo("INACTIVE_SUBJECT");
        assertThat(answer.text("/reason/status")).isEqualTo("DISABLED");
    }

    @Test
    void anyoneMayAskAboutThemselvesButOnlyAccessCheckHoldersAboutOthers() {
        Clinic clinic = clinic();
        String mia = clinic.manager().token();

        Response byId = check(clinic.tenant(), mia, "user", clinic.manager().id(), "permission", "patients.read",
                "resource", raw(patientAt(clinic.downtown())));
        assertThat(byId.status()).as(byId.raw()).isEqualTo(200);
        assertThat(byId.body().at("/allowed").asBoolean()).isTrue();
        Response byUsername = check(clinic.tenant(), mia, "user", " MIA ", "permission", "users.delete");
        assertThat(byUsername.status()).as(byUsername.raw()).isEqualTo(200);
        assertThat(byUsername.body().at("/allowed").asBoolean()).isFalse();

        Response aboutAdmin = check(clinic.tenant(), mia, "user", "admin", "permission", "patients.read");
        assertThat(aboutAdmin.status()).as(aboutAdmin.raw()).isEqualTo(403);
        assertThat(aboutAdmin.text("/detail")).contains("access.check");
        // Without access.check nobody learns whether a user exists: 403 before 404.
        assertThat(check(clinic.tenant(), mia, "user", "nobody-here", "permission", "patients.read").status())
                .isEqualTo(403);

        Response byAdmin = check(clinic.tenant(), clinic.tenant().adminToken(), "user", "mia", "permission",
                "patients.read");
        assertThat(byAdmin.status()).isEqualTo(200);
    }

    @Test
    void anotherTenantsCheckApiIsNotFound() {
        Clinic clinic = clinic();
        SignedInTenant other = TestTenants.tenant("clinic").create(api, operator);
        String path = "/api/v1/tenants/" + other.slug() + "/check";
        String body = json("user", "admin", "permission", "patients.read");

        assertThat(api.post(path, clinic.tenant().adminToken(), body).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/tenants/" + other.id() + "/check", clinic.tenant().adminToken(), body).status())
                .isEqualTo(404);
        assertThat(api.post("/api/v1/tenants/no-such-tenant/check", clinic.tenant().adminToken(), body).status())
                .isEqualTo(404);
        assertThat(api.post(path, operatorToken(), body).status()).isEqualTo(404);
        assertThat(api.post(path + "/batch", clinic.tenant().adminToken(), json("checks", raw("[]"))).status())
                .isEqualTo(404);
        // The tenant's own id works like its slug.
        assertThat(api.post("/api/v1/tenants/" + clinic.tenant().id() + "/check", clinic.tenant().adminToken(), body)
                .status()).isEqualTo(200);
        assertThat(api.post(path, null, body).status()).isEqualTo(401);
    }

    @Test
    void anUnknownUserIsA404NamingTheUserField() {
        Clinic clinic = clinic();
        Response answer = check(clinic.tenant(), clinic.tenant().adminToken(), "user", "nobody-here", "permission",
                "patients.read");
        assertThat(answer.status()).as(answer.raw()).isEqualTo(404);
        assertThat(answer.text("/errors/0/field")).isEqualTo("user");
        Response byId = check(clinic.tenant(), clinic.tenant().adminToken(), "user", UUID.randomUUID().toString(),
                "permission", "patients.read");
        assertThat(byId.status()).isEqualTo(404);
    }

    @Test
    void rejectsBadInputWithA400NamingTheField() {
        Clinic clinic = clinic();
        String admin = clinic.tenant().adminToken();
        assertField(check(clinic.tenant(), admin, "user", "mia"), "permission");
        assertField(check(clinic.tenant(), admin, "permission", "patients.read"), "user");
        assertField(check(clinic.tenant(), admin, "user", "mia", "permission", "x".repeat(300)), "permission");
        assertField(check(clinic.tenant(), admin, "user", "mia", "permission", "patients.read", "resource",
                raw(json("id", "p-1"))), "resource.type");
        assertField(check(clinic.tenant(), admin, "user", "mia", "permission", "patients.read", "resource",
                raw("\"patient 1\"")), "resource");
        assertField(check(clinic.tenant(), admin, "user", "mia", "permission", "patients.read", "resource",
                raw(json("type", "patient", "id", "p-1", "assignees", raw("[\"a\", null]")))), "resource.assignees[1]");
        assertField(check(clinic.tenant(), admin, "user", "mia", "permission", "patients.read", "resource",
                raw(json("type", "patient", "id", "p-1", "attributes", raw("{\"amount\": null}")))),
                "resource.attributes.amount");
        assertField(check(clinic.tenant(), admin, "user", "mia", "permission", "patients.read", "context",
                raw(json("time", "yesterday at noon"))), "context.time");
        assertField(check(clinic.tenant(), admin, "user", "mia", "permission", "patients.read", "context",
                raw(json("ip", "not an address"))), "context.ip");
        Response malformed = api.post("/api/v1/tenants/" + clinic.tenant().slug() + "/check", admin, "{\"user\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.raw()).doesNotContain("Exception");
        assertThat(api.post("/api/v1/tenants/" + clinic.tenant().slug() + "/check", admin, "null").status())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/tenants/" + clinic.tenant().slug() + "/check/batch", admin, "null").status())
                .isEqualTo(400);
    }

    private static void assertField(Response response, String field) {
        assertThat(response.status()).as(response.raw()).isEqualTo(400);
        assertThat(response.body().at("/errors").findValuesAsString("field")).as(response.raw()).contains(field);
    }

    @Test
    void aBatchAnswersInOrderAndAnswersUnknownUsersInPlace() {
        Clinic clinic = clinic();
        String checks = "[" + String.join(",",
                json("user", "mia", "permission", "patients.read", "resource", raw(patientAt(clinic.downtown()))),
                json("user", "mia", "permission", "patients.read", "resource", raw(patientAt(clinic.uptown()))),
                json("user", "nobody-here", "permission", "patients.read"),
                json("user", "admin", "permission", "settings.edit"),
                json("user", "mia", "permission", "no.such_key")) + "]";
        Response answer = api.post("/api/v1/tenants/" + clinic.tenant().slug() + "/check/batch",
                clinic.tenant().adminToken(), json("checks", raw(checks)));

        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        assertThat(answer.body().at("/results").size()).isEqualTo(5);
        assertThat(answer.body().at("/results/0/allowed").asBoolean()).isTrue();
        assertThat(answer.text("/results/1/reason/code")).isEqualTo("SCOPE_MISS");
        assertThat(answer.body().at("/results/2/error/status").asInt()).isEqualTo(404);
        assertThat(answer.text("/results/2/error/detail")).contains("nobody-here");
        assertThat(answer.body().at("/results/3/allowed").asBoolean()).isTrue();
        assertThat(answer.text("/results/4/reason/code")).isEqualTo("UNKNOWN_PERMISSION");
    }

    @Test
    void aBatchIsBoundedAndRejectsABadItemNamingIt() {
        Clinic clinic = clinic();
        String path = "/api/v1/tenants/" + clinic.tenant().slug() + "/check/batch";
        String admin = clinic.tenant().adminToken();
        String one = json("user", "mia", "permission", "patients.read");

        String full = IntStream.range(0, 1000).mapToObj(i -> one).collect(Collectors.joining(",", "[", "]"));
        Response thousand = api.post(path, admin, json("checks", raw(full)));
        assertThat(thousand.status()).as(thousand.raw()).isEqualTo(200);
        assertThat(thousand.body().at("/results").size()).isEqualTo(1000);

        String over = IntStream.range(0, 1001).mapToObj(i -> one).collect(Collectors.joining(",", "[", "]"));
        assertField(api.post(path, admin, json("checks", raw(over))), "checks");
        assertField(api.post(path, admin, "{}"), "checks");
        assertField(api.post(path, admin, json("checks", raw("[" + one + "," + json("user", "mia") + "]"))),
                "checks[1].permission");
        assertField(api.post(path, admin, json("checks", raw("[" + one + ", 7]"))), "checks[1]");
        assertThat(api.post(path, admin, json("checks", raw("[]"))).body().at("/results").size()).isZero();
    }

    @Test
    void aBatchAboutOthersNeedsAccessCheck() {
        Clinic clinic = clinic();
        String mia = clinic.manager().token();
        String path = "/api/v1/tenants/" + clinic.tenant().slug() + "/check/batch";
        String self = json("user", "mia", "permission", "patients.read");
        Response own = api.post(path, mia, json("checks", raw("[" + self + "," + self + "]")));
        assertThat(own.status()).as(own.raw()).isEqualTo(200);
        Response mixed = api.post(path, mia, json("checks", raw("[" + self + ","
                + json("user", "admin", "permission", "patients.read") + "]")));
        assertThat(mixed.status()).isEqualTo(403);
    }

    @Test
    void aDenyAskedToBeAuditedIsRecordedAsPermissionDenied() {
        Clinic clinic = clinic();
        String admin = clinic.tenant().adminToken();
        Response denied = check(clinic.tenant(), admin, "user", "mia", "permission", "patients.read", "resource",
                raw(patientAt(clinic.uptown())), "audit", true);
        assertThat(denied.body().at("/allowed").asBoolean()).isFalse();
        check(clinic.tenant(), admin, "user", "mia", "permission", "patients.read", "resource",
                raw(patientAt(clinic.downtown())), "audit", true);
        check(clinic.tenant(), admin, "user", "mia", "permission", "users.delete");
        api.post("/api/v1/tenants/" + clinic.tenant().slug() + "/check/batch", admin, json("audit", true, "checks",
                raw("[" + json("user", "mia", "permission", "settings.edit") + ","
                        + json("user", "mia", "permission", "patients.read") + "]")));

        List<Map<String, Object>> events = jdbc.sql("""
                        select actor_username, target_id, target_name, details::text as details from audit_events
                        where tenant_id = :tenant and action = 'PERMISSION_DENIED' order by seq
                        """)
                .param("tenant", UUID.fromString(clinic.tenant().id())).query().listOfRows();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).containsEntry("actor_username", "admin")
                .containsEntry("target_id", clinic.manager().id()).containsEntry("target_name", "mia");
        assertThat((String) events.get(0).get("details")).contains("patients.read", "SCOPE_MISS",
                clinic.uptown());
        assertThat((String) events.get(1).get("details")).contains("settings.edit", "NO_MATCHING_GRANT");
    }

    @Test
    void theServedApiDescriptionListsTheDecisionEndpoints() {
        Response docs = api.apiDescription();
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.raw()).contains("/api/v1/tenants/{tenant}/check", "/api/v1/tenants/{tenant}/check/batch",
                "/api/v1/tenants/{tenant}/who-can");
    }
}
