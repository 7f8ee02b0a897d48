package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.users.UserStore;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

class RolesIT extends IntegrationTest {

    @Autowired
    UserStore users;

    @Autowired
    JdbcClient jdbc;

    private SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    private static String grant(String permission, String scope) {
        return json("permission", permission, "scope", scope);
    }

    private Response createRole(String token, String key, String grants, String inherits) {
        return api.post(clinic.path("/roles"), token, json("key", key, "name", "Role " + key, "description",
                "made by a test", "inherits", raw(inherits), "grants", raw(grants)));
    }

    private List<String> permissionsOf(String token) {
        Response me = api.get("/api/v1/me", token);
        assertThat(me.status()).as(me.raw()).isEqualTo(200);
        return StreamSupport.stream(me.body().at("/permissions").spliterator(), false).map(JsonNode::asString).toList();
    }

    @Test
    void ownerCreatesReadsEditsAndDeletesACustomRoleAndEveryChangeIsAudited() {
        Response created = createRole(clinic.adminToken(), "lead_therapist",
                "[" + grant("patients.read", "LOCATION") + ", {\"permission\": \"appointments.read\"}]",
                "[\"front_desk\"]");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.http().headers().firstValue("Location")).hasValue(clinic.path("/roles/lead_therapist"));
        assertThat(created.text("/key")).isEqualTo("lead_therapist");
        assertThat(created.body().at("/builtIn").asBoolean()).isFalse();
        assertThat(created.body().at("/inherits").toString()).isEqualTo("[\"front_desk\"]");
        assertThat(created.text("/grants/0/scope")).isEqualTo("LOCATION");
        // docs/api.md: scope defaults to TENANT.
        assertThat(created.text("/grants/1/scope")).isEqualTo("TENANT");

        Response one = api.get(clinic.path("/roles/lead_therapist"), clinic.adminToken());
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.text("/name")).isEqualTo("Role lead_therapist");
        assertThat(one.body().at("/holders").asLong()).isZero();

        Response list = api.get(clinic.path("/roles?size=200"), clinic.adminToken());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().at("/total").asLong()).isEqualTo(8); // seven built-in clinic roles and the new one
        assertThat(list.body().at("/items").toString()).contains("\"owner\"", "\"front_desk\"", "\"lead_therapist\"");
        assertThat(list.text("/items/0/key")).isNotEqualTo("lead_therapist"); // built-in roles come first

        Response edited = api.put(clinic.path("/roles/lead_therapist"), clinic.adminToken(), json("name",
                "Lead therapist", "description", "runs the therapy team", "inherits", raw("[]"), "grants",
                raw("[" + grant("patients.read", "TENANT") + "]")));
        assertThat(edited.status()).as(edited.raw()).isEqualTo(200);
        assertThat(edited.text("/name")).isEqualTo("Lead therapist");
        assertThat(edited.body().at("/inherits").size()).isZero();
        assertThat(edited.body().at("/grants").size()).isEqualTo(1);

        assertThat(api.delete(clinic.path("/roles/lead_therapist"), clinic.adminToken()).status()).isEqualTo(204);
        assertThat(api.get(clinic.path("/roles/lead_therapist"), clinic.adminToken()).status()).isEqualTo(404);

        List<RecordedAudit.Event> createdEvents = RecordedAudit.of(jdbc, clinic.id(), "ROLE_CREATED");
        assertThat(createdEvents).hasSize(1);
        assertThat(createdEvents.get(0).targetId()).isEqualTo("lead_therapist");
        assertThat(createdEvents.get(0).actor()).isEqualTo(SignedInTenant.ADMIN);
        assertThat(createdEvents.get(0).actorRoles()).containsExactly("owner");
        RecordedAudit.Event updated = RecordedAudit.of(jdbc, clinic.id(), "ROLE_UPDATED").get(0);
        assertThat(updated.details().at("/before/name").asString()).isEqualTo("Role lead_therapist");
        assertThat(updated.details().at("/after/name").asString()).isEqualTo("Lead therapist");
        assertThat(updated.details().at("/before/inherits").toString()).isEqualTo("[\"front_desk\"]");
        assertThat(updated.details().at("/after/grants/0/scope").asString()).isEqualTo("TENANT");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ROLE_DELETED")).hasSize(1);
    }

    @Test
    void aRoleBuilderCannotMakeARoleGrantingMoreThanTheyHold() {
        assertThat(createRole(clinic.adminToken(), "role_builder", "[" + grant("roles.read", "TENANT") + ","
                + grant("roles.create", "TENANT") + "," + grant("roles.edit", "TENANT") + ","
                + grant("appointments.read", "TENANT") + "," + grant("patients.read", "LOCATION") + "]", "[]")
                .status()).isEqualTo(201);
        String rob = TestMembers.member("rob").holding("role_builder").create(api, clinic).token();

        assertThat(createRole(rob, "reader", "[" + grant("appointments.read", "TENANT") + "]", "[]").status())
                .as("within the builder's own access").isEqualTo(201);
        Response wider = createRole(rob, "wide_reader", "[" + grant("patients.read", "TENANT") + "]", "[]");
        assertThat(wider.status()).as(wider.raw()).isEqualTo(403);
        assertThat(wider.text("/detail")).contains("patients.read", "beyond your own");
        assertThat(createRole(rob, "everything", "[" + grant("*", "TENANT") + "]", "[]").status()).isEqualTo(403);
        assertThat(createRole(rob, "heir", "[]", "[\"owner\"]").status()).as("nor through inheritance")
                .isEqualTo(403);
        assertThat(api.put(clinic.path("/roles/reader"), rob, json("name", "Reader", "description", "",
                "inherits", raw("[]"), "grants", raw("[" + grant("users.delete", "TENANT") + "]"))).status())
                .isEqualTo(403);
        assertThat(api.get(clinic.path("/roles/reader"), clinic.adminToken()).body().at("/grants").toString())
                .contains("appointments.read").doesNotContain("users.delete");
    }

    @Test
    void aRoleEditReachesEveryHolderAtOnce() {
        assertThat(createRole(clinic.adminToken(), "night_nurse", "[" + grant("patients.read", "TENANT") + "]", "[]")
                .status()).isEqualTo(201);
        String nina = TestMembers.member("nina").holding("night_nurse").create(api, clinic).token();
        String noel = TestMembers.member("noel").holding("night_nurse").create(api, clinic).token();
        assertThat(permissionsOf(nina)).contains("patients.read").doesNotContain("appointments.read");
        assertThat(permissionsOf(noel)).contains("patients.read").doesNotContain("appointments.read");
        assertThat(api.get(clinic.path("/roles/night_nurse"), clinic.adminToken()).body().at("/holders").asLong())
                .isEqualTo(2);

        Response edited = api.put(clinic.path("/roles/night_nurse"), clinic.adminToken(), json("name", "Night nurse",
                "inherits", raw("[]"), "grants", raw("[" + grant("patients.read", "TENANT") + ", "
                        + grant("appointments.read", "TENANT") + "]")));
        assertThat(edited.status()).as(edited.raw()).isEqualTo(200);
        assertThat(permissionsOf(nina)).contains("patients.read", "appointments.read");
        assertThat(permissionsOf(noel)).contains("patients.read", "appointments.read");

        // Through inheritance too: the role now inherits front desk's check-in.
        assertThat(api.put(clinic.path("/roles/night_nurse"), clinic.adminToken(), json("name", "Night nurse",
                "inherits", raw("[\"front_desk\"]"), "grants", raw("[]"))).status()).isEqualTo(200);
        assertThat(permissionsOf(nina)).contains("appointments.check_in").doesNotContain("patients.read");
        assertThat(permissionsOf(noel)).contains("appointments.check_in").doesNotContain("patients.read");
    }

    @Test
    void builtInRolesCanBeReadAndCopiedButNotEditedOrDeleted() {
        Response provider = api.get(clinic.path("/roles/provider"), clinic.adminToken());
        assertThat(provider.status()).isEqualTo(200);
        assertThat(provider.body().at("/builtIn").asBoolean()).isTrue();

        Response edit = api.put(clinic.path("/roles/provider"), clinic.adminToken(), json("name", "Provider",
                "inherits", raw("[]"), "grants", raw("[]")));
        assertThat(edit.status()).isEqualTo(409);
        assertThat(edit.text("/detail")).contains("built in", "copyOf");
        Response delete = api.delete(clinic.path("/roles/provider"), clinic.adminToken());
        assertThat(delete.status()).isEqualTo(409);
        assertThat(delete.text("/detail")).contains("built in");

        Response copy = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "senior_provider", "name",
                "Senior provider", "copyOf", "provider"));
        assertThat(copy.status()).as(copy.raw()).isEqualTo(201);
        assertThat(copy.body().at("/builtIn").asBoolean()).isFalse();
        assertThat(copy.body().at("/grants")).isEqualTo(provider.body().at("/grants"));
        assertThat(copy.body().at("/inherits")).isEqualTo(provider.body().at("/inherits"));
        assertThat(copy.text("/description")).isEqualTo(provider.text("/description"));
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ROLE_CREATED").get(0).details().at("/copyOf").asString())
                .isEqualTo("provider");

        // The copy is the tenant's own: it can be changed, and the original stays as it was.
        assertThat(api.put(clinic.path("/roles/senior_provider"), clinic.adminToken(), json("name", "Senior provider",
                "inherits", raw("[\"provider\"]"), "grants", raw("[" + grant("patients.read", "LOCATION") + "]")))
                .status()).isEqualTo(200);
        assertThat(api.get(clinic.path("/roles/provider"), clinic.adminToken()).body()).isEqualTo(provider.body());

        Response copyOfUnknown = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "x1", "name", "X",
                "copyOf", "surgeon"));
        assertThat(copyOfUnknown.status()).isEqualTo(400);
        assertThat(copyOfUnknown.text("/errors/0/field")).isEqualTo("copyOf");
    }

    @Test
    void refusesWhatTheEngineWouldNotAcceptNamingTheFieldAndWritesNothing() {
        Response unknownPermission = createRole(clinic.adminToken(), "r1",
                "[" + grant("patients.read", "TENANT") + ", " + grant("patients.teleport", "TENANT") + "]", "[]");
        assertThat(unknownPermission.status()).isEqualTo(400);
        assertThat(unknownPermission.text("/errors/0/field")).isEqualTo("grants[1].permission");
        assertThat(unknownPermission.text("/errors/0/message")).contains("patients.teleport");

        Response badScope = createRole(clinic.adminToken(), "r1", "[" + grant("patients.read", "BUILDING") + "]", "[]");
        assertThat(badScope.status()).isEqualTo(400);
        assertThat(badScope.text("/errors/0/field")).isEqualTo("grants[0].scope");

        Response condition = createRole(clinic.adminToken(), "r1",
                "[{\"permission\": \"refunds.approve\", \"condition\": \"resource.amount <\"}]", "[]");
        assertThat(condition.status()).isEqualTo(400);
        assertThat(condition.text("/errors/0/field")).isEqualTo("grants[0].condition");
        assertThat(condition.text("/errors/0/message")).contains("not a valid condition");

        Response unknownParent = createRole(clinic.adminToken(), "r1", "[]", "[\"surgeon\"]");
        assertThat(unknownParent.status()).isEqualTo(400);
        assertThat(unknownParent.text("/errors/0/field")).isEqualTo("inherits");
        assertThat(unknownParent.text("/errors/0/message")).contains("surgeon");

        Response badKey = createRole(clinic.adminToken(), "9 lives", "[]", "[]");
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.text("/errors/0/field")).isEqualTo("key");

        Response noName = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "r1"));
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.text("/errors/0/field")).isEqualTo("name");

        Response wrongType = api.post(clinic.path("/roles"), clinic.adminToken(), "{\"key\": \"r1\", \"name\": \"R\","
                + " \"grants\": \"patients.read\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.text("/errors/0/field")).isEqualTo("grants");
        assertThat(api.post(clinic.path("/roles"), clinic.adminToken(), "{\"key\": ").status()).isEqualTo(400);
        assertThat(api.get(clinic.path("/roles/r1"), clinic.adminToken()).status()).isEqualTo(404);

        // A cycle through inheritance: a ← b, then a edited to inherit b.
        assertThat(createRole(clinic.adminToken(), "a", "[" + grant("patients.read", "TENANT") + "]", "[]").status())
                .isEqualTo(201);
        assertThat(createRole(clinic.adminToken(), "b", "[]", "[\"a\"]").status()).isEqualTo(201);
        Response cycle = api.put(clinic.path("/roles/a"), clinic.adminToken(), json("name", "A", "inherits",
                raw("[\"b\"]"), "grants", raw("[]")));
        assertThat(cycle.status()).isEqualTo(400);
        assertThat(cycle.text("/errors/0/field")).isEqualTo("inherits");
        assertThat(cycle.text("/errors/0/message")).contains("cycle").contains("a").contains("b");
        Response self = api.put(clinic.path("/roles/a"), clinic.adminToken(), json("name", "A", "inherits",
                raw("[\"a\"]"), "grants", raw("[]")));
        assertThat(self.status()).isEqualTo(400);
        assertThat(self.text("/errors/0/field")).isEqualTo("inherits");
        Response unchanged = api.get(clinic.path("/roles/a"), clinic.adminToken());
        assertThat(unchanged.body().at("/inherits").size()).isZero();
        assertThat(unchanged.text("/grants/0/permission")).isEqualTo("patients.read");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ROLE_UPDATED")).isEmpty();

        Response noGrants = api.put(clinic.path("/roles/a"), clinic.adminToken(), json("name", "A", "inherits",
                raw("[]")));
        assertThat(noGrants.status()).isEqualTo(400);
        assertThat(noGrants.text("/errors/0/field")).isEqualTo("grants");
        Response renamedKey = api.put(clinic.path("/roles/a"), clinic.adminToken(), json("key", "z", "name", "A",
                "inherits", raw("[]"), "grants", raw("[]")));
        assertThat(renamedKey.status()).isEqualTo(400);
        assertThat(renamedKey.text("/errors/0/field")).isEqualTo("key");
        assertThat(api.put(clinic.path("/roles/nobody"), clinic.adminToken(), json("name", "N", "inherits", raw("[]"),
                "grants", raw("[]"))).status()).isEqualTo(404);
    }

    @Test
    void duplicateKeysConflictEvenInAnotherCase() {
        assertThat(createRole(clinic.adminToken(), "scribe", "[]", "[]").status()).isEqualTo(201);
        assertThat(createRole(clinic.adminToken(), "scribe", "[]", "[]").status()).isEqualTo(409);
        Response otherCase = createRole(clinic.adminToken(), "Scribe", "[]", "[]");
        assertThat(otherCase.status()).isEqualTo(409);
        assertThat(otherCase.text("/detail")).contains("ignoring case");
        assertThat(createRole(clinic.adminToken(), "OWNER", "[]", "[]").status()).isEqualTo(409);
    }

    @Test
    void aRoleSomeoneHoldsOrInheritsFromCannotBeDeleted() {
        assertThat(createRole(clinic.adminToken(), "scheduler", "[" + grant("appointments.read", "TENANT") + "]", "[]")
                .status()).isEqualTo(201);
        assertThat(createRole(clinic.adminToken(), "senior_scheduler", "[]", "[\"scheduler\"]").status())
                .isEqualTo(201);
        Response inherited = api.delete(clinic.path("/roles/scheduler"), clinic.adminToken());
        assertThat(inherited.status()).isEqualTo(409);
        assertThat(inherited.text("/detail")).contains("senior_scheduler");

        TestMembers.member("sam").holding("senior_scheduler").create(api, clinic);
        Response held = api.delete(clinic.path("/roles/senior_scheduler"), clinic.adminToken());
        assertThat(held.status()).isEqualTo(409);
        assertThat(held.text("/detail")).contains("held by 1 user", "revoke");
        assertThat(api.get(clinic.path("/roles/senior_scheduler"), clinic.adminToken()).status()).isEqualTo(200);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ROLE_DELETED")).isEmpty();
    }

    @Test
    void aClinicManagerReadsRolesButCannotChangeThem() {
        String manager = TestMembers.member("maria").holding("manager").create(api, clinic).token();
        assertThat(api.get(clinic.path("/roles"), manager).status()).isEqualTo(200);
        assertThat(api.get(clinic.path("/roles/provider"), manager).status()).isEqualTo(200);
        Response create = createRole(manager, "sneaky", "[" + grant("*", "TENANT") + "]", "[]");
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.text("/detail")).contains("roles.create");
        assertThat(api.post(clinic.path("/roles"), manager, json("key", "sneaky", "name", "S", "copyOf", "owner"))
                .status()).isEqualTo(403);
        assertThat(api.put(clinic.path("/roles/manager"), manager, json("name", "M", "inherits", raw("[]"), "grants",
                raw("[" + grant("*", "TENANT") + "]"))).status()).isEqualTo(403);
        assertThat(api.delete(clinic.path("/roles/provider"), manager).status()).isEqualTo(403);

        String frontDesk = TestMembers.member("fran").holding("front_desk").create(api, clinic).token();
        assertThat(api.get(clinic.path("/roles"), frontDesk).status()).isEqualTo(403);
    }

    @Test
    void anRcmReadOnlyUserReadsRolesButCannotEditThem() {
        SignedInTenant rcm = SignedInTenant.create(api, operatorToken(), "rcm");
        String readonly = TestMembers.member("rita").holding("READONLY").create(api, rcm).token();
        Response roles = api.get(rcm.path("/roles"), readonly);
        assertThat(roles.status()).isEqualTo(200);
        assertThat(roles.body().at("/items").toString()).contains("TENANT_ADMIN", "BILLING_LEAD");
        assertThat(api.get(rcm.path("/roles/BILLING_LEAD"), readonly).body().at("/inherits").toString())
                .isEqualTo("[\"BILLER\"]");
        assertThat(api.post(rcm.path("/roles"), readonly, json("key", "AUDITOR", "name", "Auditor", "copyOf",
                "READONLY")).status()).isEqualTo(403);
        assertThat(api.post(rcm.path("/roles"), rcm.adminToken(), json("key", "AUDITOR", "name", "Auditor", "copyOf",
                "READONLY")).status()).isEqualTo(201);
        assertThat(api.put(rcm.path("/roles/AUDITOR"), readonly, json("name", "A", "inherits", raw("[]"), "grants",
                raw("[]"))).status()).isEqualTo(403);
        assertThat(api.delete(rcm.path("/roles/AUDITOR"), readonly).status()).isEqualTo(403);
        assertThat(api.delete(rcm.path("/roles/AUDITOR"), rcm.adminToken()).status()).isEqualTo(204);
    }

    @Test
    void theServedApiDescriptionListsTheseEndpoints() {
        Response description = api.apiDescription();
        assertThat(description.status()).isEqualTo(200);
        assertThat(description.body().at("/paths").toString()).contains("/api/v1/tenants/{tenant}/roles/{key}",
                "/api/v1/tenants/{tenant}/permissions", "/api/v1/tenants/{tenant}/locations/{id}",
                "/api/v1/tenants/{tenant}/settings");
    }

    @Test
    void anotherTenantsRolesAreNotFound() {
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "rcm");
        assertThat(api.get(other.path("/roles"), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(other.path("/roles/READONLY"), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(api.post(other.path("/roles"), clinic.adminToken(), json("key", "x", "name", "X")).status())
                .isEqualTo(404);
        assertThat(api.put(other.path("/roles/READONLY"), clinic.adminToken(), json("name", "X", "inherits", raw("[]"),
                "grants", raw("[]"))).status()).isEqualTo(404);
        assertThat(api.delete(other.path("/roles/READONLY"), clinic.adminToken()).status()).isEqualTo(404);
        // Platform operators are outside tenants: no tenant data through these endpoints either.
        assertThat(api.get(other.path("/roles"), operatorToken()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/platform/roles", operatorToken()).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/roles/nobody"), clinic.adminToken()).status()).isEqualTo(404);
    }
}
