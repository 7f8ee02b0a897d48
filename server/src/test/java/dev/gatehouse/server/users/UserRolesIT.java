package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static dev.gatehouse.server.users.UserFixtures.role;
import static dev.gatehouse.server.users.UserFixtures.roleAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** A user's role assignments, what they make the user able to do, and who may change them. */
class UserRolesIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    @Autowired
    TestClock clock;

    UserFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private List<String> actions(UserFixtures.Tenant tenant) {
        return jdbc.sql("select action from audit_events where tenant_id = :t order by seq")
                .param("t", UUID.fromString(tenant.id())).query(String.class).list();
    }

    private static JsonNode permission(Response permissions, String key) {
        assertThat(permissions.status()).as(permissions.raw()).isEqualTo(200);
        return permissions.body().at("/permissions").values().stream()
                .filter(p -> p.at("/permission").asString().equals(key)).findFirst().orElse(null);
    }

    @Test
    void anAdminAssignsListsAndRevokesRolesAndTheUsersPermissionsFollow() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[]");
        assertThat(api.get("/api/v1/me", desk.token()).body().at("/permissions").size()).isZero();

        Response assigned = api.post(clinic.user(desk.id()) + "/roles", clinic.owner(), json("role", "manager",
                "location", downtown, "expiresAt", "2099-01-01T00:00:00Z"));
        assertThat(assigned.status()).as(assigned.raw()).isEqualTo(201);
        assertThat(assigned.text("/role")).isEqualTo("manager");
        assertThat(assigned.text("/location")).isEqualTo(downtown);
        assertThat(assigned.text("/expiresAt")).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(assigned.text("/source")).isEqualTo("DIRECT");
        assertThat(assigned.body().at("/active").asBoolean()).isTrue();
        assertThat(assigned.body().has("startsAt")).isFalse();
        String assignment = assigned.text("/id");

        Response list = api.get(clinic.user(desk.id()) + "/roles", clinic.owner());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().at("/total").asLong()).isOne();
        assertThat(list.text("/items/0/id")).isEqualTo(assignment);
        assertThat(api.get("/api/v1/me", desk.token()).body().at("/permissions").toString()).contains("users.read");

        assertThat(api.post(clinic.user(desk.id()) + "/roles", clinic.owner(), json("role", "manager", "location",
                downtown, "expiresAt", "2099-01-01T00:00:00Z")).status()).as("the very same assignment").isEqualTo(409);

        assertThat(api.delete(clinic.user(desk.id()) + "/roles/" + assignment, clinic.owner()).status())
                .isEqualTo(204);
        assertThat(api.get("/api/v1/me", desk.token()).body().at("/permissions").size()).isZero();
        assertThat(api.delete(clinic.user(desk.id()) + "/roles/" + assignment, clinic.owner()).status())
                .isEqualTo(404);
        assertThat(actions(clinic)).containsSubsequence("ROLE_ASSIGNED", "ROLE_REVOKED");
        String revoked = jdbc.sql("""
                        select details::text from audit_events where tenant_id = :t and action = 'ROLE_REVOKED'
                        """).param("t", UUID.fromString(clinic.id())).query(String.class).single();
        assertThat(revoked).contains("manager").contains(downtown).contains(assignment);
    }

    @Test
    void badAssignmentsAreA400NamingTheField() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String desk = fixtures.user(clinic, "desk", "[]");
        String roles = clinic.user(desk) + "/roles";
        assertThat(api.post(roles, clinic.owner(), json("role", "surgeon")).body().at("/errors/0/field").asString())
                .isEqualTo("role");
        assertThat(api.post(roles, clinic.owner(), json("location", UUID.randomUUID().toString())).raw())
                .contains("\"field\":\"role\"").contains("\"field\":\"location\"");
        assertThat(api.post(roles, clinic.owner(), json("role", "provider", "startsAt", "2030-01-01T00:00:00Z",
                "expiresAt", "2030-01-01T00:00:00Z")).body().at("/errors/0/field").asString()).isEqualTo("expiresAt");
        assertThat(api.post(roles, clinic.owner(), json("role", "provider", "startsAt", "soon")).body()
                .at("/errors/0/field").asString()).isEqualTo("startsAt");
        assertThat(api.post(roles, clinic.owner(), "{").status()).isEqualTo(400);
        assertThat(api.delete(roles + "/not-a-uuid", clinic.owner()).body().at("/errors/0/field").asString())
                .isEqualTo("assignmentId");
        assertThat(api.get(roles + "?size=0", clinic.owner()).status()).isEqualTo(400);
        assertThat(api.get(roles, clinic.owner()).body().at("/total").asLong()).isZero();
    }

    @Test
    void nobodyChangesTheirOwnRoles() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        Response add = api.post(clinic.user(clinic.ownerId()) + "/roles", clinic.owner(), json("role", "billing"));
        assertThat(add.status()).isEqualTo(403);
        assertThat(add.text("/detail")).contains("yourself");
        String own = api.get(clinic.user(clinic.ownerId()) + "/roles", clinic.owner()).text("/items/0/id");
        assertThat(api.delete(clinic.user(clinic.ownerId()) + "/roles/" + own, clinic.owner()).status())
                .isEqualTo(403);
        assertThat(api.get(clinic.user(clinic.ownerId()) + "/roles", clinic.owner()).body().at("/total").asLong())
                .isOne();
    }

    @Test
    void theLastActiveOwnersRoleCannotBeRevokedOrTheOwnerLockedOrDeleted() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        // A co-administrator holding everything, but not the pack's owner role: the owner stays the last owner.
        fixtures.customRole(clinic, "deputy", "TENANT", "*");
        TestMembers.Member deputy = fixtures.member(clinic, "deputy", "[" + role("deputy") + "]");
        String ownerRole = api.get(clinic.user(clinic.ownerId()) + "/roles", deputy.token()).text("/items/0/id");
        Response revoke = api.delete(clinic.user(clinic.ownerId()) + "/roles/" + ownerRole, deputy.token());
        assertThat(revoke.status()).isEqualTo(409);
        assertThat(revoke.text("/detail")).contains("last active owner");
        assertThat(api.post(clinic.user(clinic.ownerId()) + "/lock", deputy.token(), "").status()).isEqualTo(409);
        assertThat(api.delete(clinic.user(clinic.ownerId()), deputy.token()).status())
                .as("deleting is for the owner only").isEqualTo(403);

        // An owner whose assignment has expired is no administrator any more.
        String expired = fixtures.user(clinic, "former", "[" + json("role", "owner", "startsAt",
                "2020-01-01T00:00:00Z", "expiresAt", "2021-01-01T00:00:00Z") + "]");
        assertThat(expired).isNotBlank();
        assertThat(api.delete(clinic.user(clinic.ownerId()) + "/roles/" + ownerRole, deputy.token()).status())
                .isEqualTo(409);

        TestMembers.Member second = fixtures.member(clinic, "second", "[" + role("owner") + "]");
        assertThat(api.delete(clinic.user(clinic.ownerId()) + "/roles/" + ownerRole, deputy.token()).status())
                .isEqualTo(204);
        String secondRole = api.get(clinic.user(second.id()) + "/roles", deputy.token()).text("/items/0/id");
        assertThat(api.delete(clinic.user(second.id()) + "/roles/" + secondRole, deputy.token()).status())
                .isEqualTo(409);
    }

    @Test
    void withSingleRolePerUserASecondAssignmentIsAConflict() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        fixtures.setting(clinic, "singleRolePerUser", "true");
        String desk = fixtures.user(clinic, "desk", "[" + role("front_desk") + "]");
        Response second = api.post(clinic.user(desk) + "/roles", clinic.owner(), json("role", "billing"));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.text("/detail")).contains("singleRolePerUser");
        Response two = api.post(clinic.users(), clinic.owner(), json("username", "twohats", "firstName", "T",
                "lastName", "H", "roles", raw("[" + role("front_desk") + "," + role("billing") + "]")));
        assertThat(two.status()).isEqualTo(409);

        fixtures.setting(clinic, "singleRolePerUser", "false");
        assertThat(api.post(clinic.user(desk) + "/roles", clinic.owner(), json("role", "billing")).status())
                .isEqualTo(201);
        // Issue 17: a creation reads the settings through the node's cache, which the change dropped.
        Response twoNow = api.post(clinic.users(), clinic.owner(), json("username", "twohats", "firstName", "T",
                "lastName", "H", "roles", raw("[" + role("front_desk") + "," + role("billing") + "]")));
        assertThat(twoNow.status()).as("the changed rule at once, not the node's copy: " + twoNow.raw()).isEqualTo(201);
    }

    @Test
    void aRoleAssignerHeldAtOneLocationAssignsOnlyThereAndOnlyToItsStaff() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        String room = fixtures.location(clinic, "Room 1", downtown);
        String uptown = fixtures.location(clinic, "Uptown");
        // A lead holds what front desk and billing staff do, so it may hand those roles out.
        fixtures.customRole(clinic, "lead", "LOCATION", "users.read", "users.create", "users.edit", "roles.assign",
                "elevation.request", "roles.delegate",
                "patients.*", "appointments.*", "billing.*", "invoices.*", "payments.*", "refunds.process", "reports.*");
        TestMembers.Member lead = fixtures.member(clinic, "lead", "[" + roleAt("lead", downtown) + "]");

        Response here = api.post(clinic.users(), lead.token(), json("username", "amy", "firstName", "A", "lastName",
                "Y", "roles", raw("[" + roleAt("front_desk", room) + "]")));
        assertThat(here.status()).as(here.raw()).isEqualTo(201);
        assertThat(api.post(clinic.users(), lead.token(), json("username", "ben", "firstName", "B", "lastName", "N",
                "roles", raw("[" + roleAt("front_desk", uptown) + "]"))).status()).isEqualTo(403);
        assertThat(api.post(clinic.users(), lead.token(), json("username", "cal", "firstName", "C", "lastName", "L",
                "roles", raw("[" + role("front_desk") + "]"))).status()).as("tenant-wide").isEqualTo(403);

        String amy = here.text("/id");
        assertThat(api.post(clinic.user(amy) + "/roles", lead.token(), json("role", "billing", "location", downtown))
                .status()).isEqualTo(201);
        assertThat(api.post(clinic.user(amy) + "/roles", lead.token(), json("role", "billing", "location", uptown))
                .status()).isEqualTo(403);
        String dee = fixtures.user(clinic, "dee", "[" + roleAt("front_desk", uptown) + "]");
        // Role changes are location-bound (issue 11, seed 000's manager at A and front desk at B): what
        // happens downtown is the lead's, although dee works uptown; her uptown role is not.
        assertThat(api.post(clinic.user(dee) + "/roles", lead.token(), json("role", "billing", "location", downtown))
                .status()).as("dee works uptown, and now downtown too").isEqualTo(201);
        String deeRole = api.get(clinic.user(dee) + "/roles", clinic.owner()).text("/items/0/id");
        assertThat(api.delete(clinic.user(dee) + "/roles/" + deeRole, lead.token()).status()).isEqualTo(403);
    }

    @Test
    void nobodyHandsOutARoleGrantingMoreThanTheyHoldThemselves() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        fixtures.customRole(clinic, "lead", "LOCATION", "users.read", "users.create", "users.edit", "roles.assign",
                "elevation.request", "roles.delegate",
                "patients.contact", "appointments.*");
        TestMembers.Member lead = fixtures.member(clinic, "lead", "[" + roleAt("lead", downtown) + "]");
        String room = fixtures.location(clinic, "Room 1", downtown);
        String amy = fixtures.user(clinic, "amy", "[" + roleAt("front_desk", downtown) + "]");

        // front_desk grants only what the lead holds at downtown and below: allowed.
        assertThat(api.post(clinic.user(amy) + "/roles", lead.token(), json("role", "front_desk", "location", room))
                .status()).isEqualTo(201);
        // owner (everything, tenant-wide) and billing (billing records) go beyond the lead's own access.
        Response owner = api.post(clinic.user(amy) + "/roles", lead.token(), json("role", "owner", "location", downtown));
        assertThat(owner.status()).as(owner.raw()).isEqualTo(403);
        assertThat(owner.text("/detail")).contains("beyond your own access");
        assertThat(api.post(clinic.user(amy) + "/roles", lead.token(), json("role", "billing", "location", downtown))
                .status()).isEqualTo(403);
        Response created = api.post(clinic.users(), lead.token(), json("username", "eve", "firstName", "E",
                "lastName", "V", "roles", raw("[" + roleAt("manager", downtown) + "]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(403);
        assertThat(api.get(clinic.users() + "?q=eve", clinic.owner()).body().at("/total").asInt()).isZero();
    }

    @Test
    void rolesEndpointsAreForbiddenToLesserRolesAndHiddenFromOtherTenants() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        TestMembers.Member billing = fixtures.member(clinic, "biller", "[" + role("billing") + "]");
        TestMembers.Member manager = fixtures.member(clinic, "manny", "[" + role("manager") + "]");
        String desk = fixtures.user(clinic, "desk", "[" + role("front_desk") + "]");
        assertThat(api.get(clinic.user(desk) + "/roles", billing.token()).status()).isEqualTo(403);
        assertThat(api.get(clinic.user(desk) + "/permissions", billing.token()).status()).isEqualTo(403);
        Response managerAssigns = api.post(clinic.user(desk) + "/roles", manager.token(), json("role", "billing"));
        assertThat(managerAssigns.status()).as("seed 000: a manager cannot change roles").isEqualTo(403);
        assertThat(managerAssigns.text("/detail")).contains("roles.assign");
        assertThat(api.get(clinic.user(desk) + "/roles", manager.token()).status()).isEqualTo(200);

        UserFixtures.Tenant other = fixtures.clinic();
        assertThat(api.get(clinic.user(desk) + "/roles", other.owner()).status()).isEqualTo(404);
        assertThat(api.post(clinic.user(desk) + "/roles", other.owner(), json("role", "billing")).status())
                .isEqualTo(404);
        assertThat(api.get(clinic.user(desk) + "/permissions", other.owner()).status()).isEqualTo(404);
        assertThat(api.get(other.user(desk) + "/roles", other.owner()).status()).isEqualTo(404);
        assertThat(api.delete(clinic.user(desk) + "/roles/" + UUID.randomUUID(), clinic.owner()).status())
                .isEqualTo(404);
    }

    @Test
    void effectivePermissionsSayTheScopeWhereTheyReachAndWhichRoleGivesThem() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        String uptown = fixtures.location(clinic, "Uptown");
        String manager = fixtures.user(clinic, "manny", "[" + roleAt("manager", downtown) + "]");

        JsonNode read = permission(api.get(clinic.user(manager) + "/permissions", clinic.owner()), "users.read");
        assertThat(read.at("/scope").asString()).isEqualTo("LOCATION");
        assertThat(read.at("/locations").toString()).isEqualTo("[\"" + downtown + "\"]");
        assertThat(read.at("/everywhere").asBoolean()).isFalse();
        assertThat(read.at("/via").toString()).isEqualTo("[\"manager\"]");
        assertThat(permission(api.get(clinic.user(manager) + "/permissions", clinic.owner()), "users.delete")).isNull();

        JsonNode elsewhere = permission(api.get(clinic.user(manager) + "/permissions?location=" + uptown,
                clinic.owner()), "users.read");
        assertThat(elsewhere.at("/scope").asString()).as("only their own and assigned there").isEqualTo("ASSIGNED");

        JsonNode owner = permission(api.get(clinic.user(clinic.ownerId()) + "/permissions", clinic.owner()),
                "users.delete");
        assertThat(owner.at("/scope").asString()).isEqualTo("TENANT");
        assertThat(owner.at("/everywhere").asBoolean()).isTrue();

        assertThat(api.get(clinic.user(manager) + "/permissions?location=" + UUID.randomUUID(), clinic.owner())
                .body().at("/errors/0/field").asString()).isEqualTo("location");
    }

    @Test
    void onlyAssignmentsInsideTheirValidityWindowGivePermissions() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + json("role", "manager", "startsAt",
                "2020-01-01T00:00:00Z", "expiresAt", "2021-01-01T00:00:00Z") + "," + json("role", "billing",
                "startsAt", "2099-01-01T00:00:00Z") + "]");
        String permissions = clinic.user(desk.id()) + "/permissions";
        assertThat(permission(api.get(permissions, clinic.owner()), "users.read")).as("expired").isNull();
        assertThat(permission(api.get(permissions, clinic.owner()), "invoices.read")).as("not yet").isNull();
        assertThat(api.get("/api/v1/me", desk.token()).body().at("/permissions").size()).isZero();
        Response roles = api.get(clinic.user(desk.id()) + "/roles", clinic.owner());
        assertThat(roles.body().at("/items").values().stream().map(r -> r.at("/active").asBoolean()).toList())
                .containsExactly(false, false);

        Instant soon = Instant.now().plus(1, ChronoUnit.MINUTES);
        Response shortLived = api.post(clinic.user(desk.id()) + "/roles", clinic.owner(), json("role", "front_desk",
                "expiresAt", soon.toString()));
        assertThat(shortLived.status()).as(shortLived.raw()).isEqualTo(201);
        assertThat(api.get("/api/v1/me", desk.token()).body().at("/permissions").toString())
                .contains("appointments.check_in");
        assertThat(permission(api.get(permissions, clinic.owner()), "appointments.check_in")).isNotNull();
        // The server reads the end against its clock: moved past it rather than waited for.
        clock.moveAhead(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(api.get("/api/v1/me", desk.token()).body().at("/permissions").size()).as("expired by now")
                .isZero();
        assertThat(permission(api.get(permissions, clinic.owner()), "appointments.check_in")).isNull();
    }
}
