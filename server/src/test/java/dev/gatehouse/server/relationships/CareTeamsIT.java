package dev.gatehouse.server.relationships;

import static dev.gatehouse.server.relationships.RelationshipFixtures.allowed;
import static dev.gatehouse.server.relationships.RelationshipFixtures.check;
import static dev.gatehouse.server.relationships.RelationshipFixtures.tuple;
import static dev.gatehouse.server.relationships.RelationshipFixtures.write;
import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestServiceAccounts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code …/care-teams} and {@code …/users/{id}/reassign} (issue 13; seed 004). */
class CareTeamsIT extends IntegrationTest {

    private String location(SignedInTenant clinic, String name) {
        ApiClient.Response made = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", name));
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        return made.text("/id");
    }

    private JsonNode team(SignedInTenant clinic, String token, String body) {
        ApiClient.Response made = api.post(clinic.path("/care-teams"), token, body);
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        return made.body();
    }

    @Test
    void membersOfACareTeamReachItsPatientsAndMovingTeamsNeverChangesRoles() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String downtown = location(clinic, "Downtown");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").at(downtown).create(api, clinic);
        TestMembers.Member ben = TestMembers.member("dr.ben").holding("provider").at(downtown).create(api, clinic);
        String admin = clinic.adminToken();
        JsonNode cardiology = team(clinic, admin, json("name", "Cardiology A", "location", downtown, "members",
                raw("[\"" + ann.id() + "\"]")));
        String cardiologyId = cardiology.path("id").asString();
        assertThat(cardiology.path("members").toString()).isEqualTo("[\"" + ann.id() + "\"]");
        assertThat(cardiology.path("location").asString()).isEqualTo(downtown);
        JsonNode oncology = team(clinic, admin, json("name", "Oncology"));
        write(api, clinic, admin, tuple("careteam", cardiologyId, "care_team", "patient", "123", null));
        String rolesBefore = api.get(clinic.path("/users/" + ann.id() + "/roles"), admin).raw();

        JsonNode viaTeam = check(api, clinic, "dr.ann", "medical_notes.read", "patient", "123").body();
        assertThat(viaTeam.path("allowed").asBoolean()).as(viaTeam.toString()).isTrue();
        assertThat(viaTeam.at("/reason/explanation").asString())
                .contains("member of care team Cardiology A, which cares for patient 123");
        assertThat(viaTeam.at("/reason/through/careTeam/name").asString()).isEqualTo("Cardiology A");
        assertThat(allowed(api, clinic, "dr.ben", "medical_notes.read", "patient", "123"))
                .as("not a member of the team").isFalse();
        JsonNode patients = api.get(clinic.path("/care-teams/" + cardiologyId + "/patients"), admin).body();
        assertThat(patients.path("total").asInt()).isEqualTo(1);
        assertThat(patients.at("/items/0/id").asString()).isEqualTo("123");

        // seed 004: a clinician moves between teams without losing or changing their role.
        assertThat(api.delete(clinic.path("/care-teams/" + cardiologyId + "/members/" + ann.id()), admin).status())
                .isEqualTo(204);
        ApiClient.Response joined = api.post(clinic.path("/care-teams/" + oncology.path("id").asString() + "/members"),
                admin, json("user", ann.id()));
        assertThat(joined.status()).as(joined.raw()).isEqualTo(201);
        assertThat(api.post(clinic.path("/care-teams/" + oncology.path("id").asString() + "/members"), admin,
                json("user", ann.id())).status()).as("already a member").isEqualTo(200);
        assertThat(allowed(api, clinic, "dr.ann", "medical_notes.read", "patient", "123")).isFalse();
        assertThat(api.get(clinic.path("/users/" + ann.id() + "/roles"), admin).raw()).isEqualTo(rolesBefore);

        ApiClient.Response renamed = api.patch(clinic.path("/care-teams/" + cardiologyId), admin,
                json("name", "Cardiology B", "members", raw("[\"" + ben.id() + "\"]")));
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
        assertThat(renamed.text("/name")).isEqualTo("Cardiology B");
        assertThat(check(api, clinic, "dr.ben", "medical_notes.read", "patient", "123").body()
                .at("/reason/explanation").asString()).contains("member of care team Cardiology B");

        for (String action : new String[] {"CARE_TEAM_CREATED", "CARE_TEAM_MEMBER_ADDED", "CARE_TEAM_MEMBER_REMOVED",
            "CARE_TEAM_UPDATED"}) {
            assertThat(api.get(clinic.path("/audit?action=" + action), admin).body().path("items")).as(action)
                    .isNotEmpty();
        }
        assertThat(api.delete(clinic.path("/care-teams/" + cardiologyId), admin).status()).isEqualTo(204);
        assertThat(allowed(api, clinic, "dr.ben", "medical_notes.read", "patient", "123")).isFalse();
        assertThat(api.get(clinic.path("/care-teams/" + cardiologyId), admin).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/relationships?object=patient:123"), admin).body().path("total").asInt())
                .as("the team's tuples went with it").isZero();
        assertThat(api.get(clinic.path("/audit?action=CARE_TEAM_DELETED"), admin).body().path("items")).hasSize(1);
    }

    @Test
    void aManagerRunsTheTeamsOfTheirLocationAndProvidersOnlyReadThem() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String downtown = location(clinic, "Downtown");
        String uptown = location(clinic, "Uptown");
        TestMembers.Member manager = TestMembers.member("mia").holding("manager").at(downtown).create(api, clinic);
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").at(downtown).create(api, clinic);
        JsonNode mine = team(clinic, manager.token(), json("name", "Downtown GPs", "location", downtown));
        team(clinic, clinic.adminToken(), json("name", "Uptown GPs", "location", uptown));

        assertThat(api.post(clinic.path("/care-teams"), manager.token(), json("name", "Elsewhere", "location", uptown))
                .status()).isEqualTo(403);
        assertThat(api.post(clinic.path("/care-teams"), manager.token(), json("name", "Nowhere")).status())
                .as("a team without a location is the tenant's").isEqualTo(403);
        JsonNode seen = api.get(clinic.path("/care-teams"), manager.token()).body();
        assertThat(seen.path("total").asInt()).isEqualTo(1);
        assertThat(seen.at("/items/0/name").asString()).isEqualTo("Downtown GPs");
        assertThat(api.post(clinic.path("/care-teams/" + mine.path("id").asString() + "/members"), manager.token(),
                json("user", ann.id())).status()).isEqualTo(201);

        assertThat(api.get(clinic.path("/care-teams"), ann.token()).body().path("total").asInt()).isEqualTo(1);
        assertThat(api.post(clinic.path("/care-teams"), ann.token(), json("name", "Mine", "location", downtown))
                .status()).isEqualTo(403);
        assertThat(api.delete(clinic.path("/care-teams/" + mine.path("id").asString()), ann.token()).status())
                .isEqualTo(403);
    }

    @Test
    void twoAdminsNamingTheSameNewTeamAtOnceGetOneTeamAndA409NeverA500() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        for (int round = 0; round < 5; round++) {
            String body = json("name", "Night shift " + round);
            List<Callable<Integer>> creates = Collections.nCopies(6,
                    () -> api.post(clinic.path("/care-teams"), clinic.adminToken(), body).status());
            List<Integer> statuses = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
                for (Future<Integer> status : pool.invokeAll(creates)) {
                    statuses.add(status.get());
                }
            }
            assertThat(statuses).as("round %d", round).containsOnlyOnce(201).containsOnly(201, 409);
        }
    }

    @Test
    void badInputIsA400NamingTheFieldAndForeignIdsAreNotFound() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        String admin = clinic.adminToken();
        String stranger = UUID.randomUUID().toString();
        assertThat(field(clinic, json("location", stranger))).isEqualTo("name");
        assertThat(field(clinic, json("name", "A", "location", stranger))).isEqualTo("location");
        assertThat(field(clinic, json("name", "A", "members", raw("[\"" + stranger + "\"]")))).isEqualTo("members[0]");
        JsonNode team = team(clinic, admin, json("name", "Cardiology A"));
        assertThat(api.post(clinic.path("/care-teams"), admin, json("name", "cardiology a")).status()).isEqualTo(409);
        String id = team.path("id").asString();
        assertThat(api.patch(clinic.path("/care-teams/" + id), admin, json("colour", "red")).status()).isEqualTo(400);
        assertThat(api.post(clinic.path("/care-teams/" + id + "/members"), admin, json("user", stranger)).status())
                .isEqualTo(400);
        assertThat(api.delete(clinic.path("/care-teams/" + id + "/members/" + stranger), admin).status())
                .isEqualTo(404);

        assertThat(api.get(other.path("/care-teams/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.patch(other.path("/care-teams/" + id), other.adminToken(), json("name", "Mine")).status())
                .isEqualTo(404);
        assertThat(api.delete(other.path("/care-teams/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(other.path("/care-teams"), other.adminToken()).body().path("total").asInt()).isZero();
        ApiClient.Response intoForeignTeam = api.post(other.path("/relationships"), other.adminToken(),
                tuple("careteam", id, "care_team", "patient", "1", null));
        assertThat(intoForeignTeam.status()).isEqualTo(400);
    }

    @Test
    void reassigningMovesTeamsAndAssignedPatientsToTheColleagueInOneAuditedStep() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        TestMembers.Member ben = TestMembers.member("dr.ben").holding("provider").create(api, clinic);
        String admin = clinic.adminToken();
        String cardiology = team(clinic, admin, json("name", "Cardiology A", "members",
                raw("[\"" + ann.id() + "\"]"))).path("id").asString();
        write(api, clinic, admin, tuple("careteam", cardiology, "care_team", "patient", "123", null));
        write(api, clinic, admin, tuple("user", ann.id(), "assigned_provider", "patient", "456", null));
        write(api, clinic, admin, tuple("user", ann.id(), "shared_with", "patient", "789", null));
        assertThat(allowed(api, clinic, "dr.ben", "patients.read", "patient", "123")).isFalse();
        assertThat(allowed(api, clinic, "dr.ben", "patients.read", "patient", "456")).isFalse();

        ApiClient.Response done = api.post(clinic.path("/users/" + ann.id() + "/reassign"), admin,
                json("to", ben.id()));
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.body().path("careTeamMemberships").asInt()).isEqualTo(1);
        assertThat(done.body().path("assignedRelationships").asInt()).isEqualTo(1);

        assertThat(allowed(api, clinic, "dr.ben", "patients.read", "patient", "123")).isTrue();
        assertThat(allowed(api, clinic, "dr.ben", "patients.read", "patient", "456")).isTrue();
        assertThat(allowed(api, clinic, "dr.ann", "patients.read", "patient", "123")).isFalse();
        assertThat(allowed(api, clinic, "dr.ann", "patients.read", "patient", "456")).isFalse();
        assertThat(allowed(api, clinic, "dr.ann", "patients.read", "patient", "789")).as("a share stays").isTrue();
        assertThat(api.get(clinic.path("/care-teams/" + cardiology), admin).body().path("members").toString())
                .isEqualTo("[\"" + ben.id() + "\"]");
        JsonNode event = api.get(clinic.path("/audit?action=USER_REASSIGNED"), admin).body().path("items").get(0);
        assertThat(event.at("/target/id").asString()).isEqualTo(ann.id());
        assertThat(event.at("/details/toUsername").asString()).isEqualTo("dr.ben");
        assertThat(event.at("/details/careTeams").toString()).isEqualTo("[\"Cardiology A\"]");

        // Nothing left to move is fine: the second time moves nothing.
        ApiClient.Response again = api.post(clinic.path("/users/" + ann.id() + "/reassign"), admin,
                json("to", ben.id()));
        assertThat(again.body().path("careTeamMemberships").asInt()).isZero();
    }

    @Test
    void reassigningIsRefusedToTheWrongColleagueAndToWhoeverDoesNotCoverTheUser() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        String downtown = location(clinic, "Downtown");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").at(downtown).create(api, clinic);
        TestMembers.Member ben = TestMembers.member("dr.ben").holding("provider").at(downtown).create(api, clinic);
        TestMembers.Member mia = TestMembers.member("mia").holding("manager").at(downtown).create(api, clinic);
        String robot = TestServiceAccounts.serviceAccount("ehr-sync").create(api, clinic);
        String admin = clinic.adminToken();
        String path = clinic.path("/users/" + ann.id() + "/reassign");

        assertThat(refusedField(api.post(path, admin, json("to", ann.id())))).isEqualTo("to");
        assertThat(refusedField(api.post(path, admin, json("to", robot)))).isEqualTo("to");
        assertThat(refusedField(api.post(path, admin, json("to", UUID.randomUUID().toString())))).isEqualTo("to");
        assertThat(refusedField(api.post(path, admin, json("to", other.adminId())))).isEqualTo("to");
        assertThat(api.post(clinic.path("/users/" + ben.id() + "/lock"), admin, "").status()).isEqualTo(200);
        assertThat(refusedField(api.post(path, admin, json("to", ben.id())))).as("a locked colleague").isEqualTo("to");

        ApiClient.Response notCovered = api.post(path, mia.token(), json("to", mia.id()));
        assertThat(notCovered.status()).as("a manager does not hold what a provider holds: " + notCovered.raw())
                .isEqualTo(403);
        assertThat(api.post(path, ann.token(), json("to", mia.id())).status()).isEqualTo(403);
        assertThat(api.post(other.path("/users/" + ann.id() + "/reassign"), other.adminToken(),
                json("to", other.adminId())).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/audit?action=USER_REASSIGNED"), admin).body().path("items")).isEmpty();
    }

    private String field(SignedInTenant tenant, String body) {
        return refusedField(api.post(tenant.path("/care-teams"), tenant.adminToken(), body));
    }

    private static String refusedField(ApiClient.Response answer) {
        assertThat(answer.status()).as(answer.raw()).isEqualTo(400);
        return answer.body().at("/errors/0/field").asString();
    }
}
