package dev.gatehouse.server.relationships;

import static dev.gatehouse.server.relationships.RelationshipFixtures.allowed;
import static dev.gatehouse.server.relationships.RelationshipFixtures.check;
import static dev.gatehouse.server.relationships.RelationshipFixtures.tuple;
import static dev.gatehouse.server.relationships.RelationshipFixtures.write;
import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** {@code …/relationships} and checks that resolve ASSIGNED from them (issue 13; seed 000). */
class RelationshipsIT extends IntegrationTest {

    @Autowired
    private TestClock clock;
    @Autowired
    private Relationships relationships;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /**
     * Seed 000: "Provider cannot view other providers' patients (unless shared)" and "Grant explicit
     * patient access if needed". Dr Ann is the assigned provider of patient 123, Dr Ben of patient
     * 456; patient 456 is shared with Dr Ann for a day. The front desk holds nothing by relationship.
     */
    @ParameterizedTest(name = "{0} {1} {2}:{3} → {4} ({5})")
    @CsvSource(delimiter = '|', textBlock = """
            user       | permission          | type    | id  | expected | why
            dr.ann     | patients.read       | patient | 123 | true     | assigned provider of patient 123
            dr.ann     | medical_notes.read  | patient | 123 | true     | the provider's ASSIGNED grants reach their patient
            dr.ben     | patients.read       | patient | 123 | false    | cannot view another provider's patient
            dr.ben     | patients.read       | patient | 456 | true     | assigned provider of patient 456
            dr.ann     | patients.read       | patient | 456 | true     | unless shared: 456 is shared with Dr Ann
            dr.ann     | patients.read       | patient | 789 | false    | no relationship to patient 789
            dr.ann     | patients.delete     | patient | 123 | false    | a relationship adds reach, never permissions
            dr.ann     | patients.read       | invoice | 123 | false    | a relationship reaches only its own object type
            desk       | patients.contact    | patient | 123 | false    | the front desk holds it at a location, not here
            """, useHeadersInDisplayName = true)
    void providersSeeTheirOwnAndSharedPatientsOnly(String user, String permission, String type, String id,
            boolean expected, String why) {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String location = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "Downtown"))
                .text("/id");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        TestMembers.Member ben = TestMembers.member("dr.ben").holding("provider").create(api, clinic);
        TestMembers.member("desk").holding("front_desk").at(location).create(api, clinic);
        String admin = clinic.adminToken();
        write(api, clinic, admin, tuple("user", ann.id(), "assigned_provider", "patient", "123", null));
        write(api, clinic, admin, tuple("user", ben.id(), "assigned_provider", "patient", "456", null));
        write(api, clinic, admin, tuple("user", ann.id(), "shared_with", "patient", "456",
                clock.instant().plus(Duration.ofDays(1)).toString()));

        ApiClient.Response answer = check(api, clinic, user, permission, type, id);
        assertThat(answer.body().path("allowed").asBoolean()).as(why + ": " + answer.raw()).isEqualTo(expected);
    }

    @Test
    void theReasonNamesThePathAndAnExpiredShareNeverAllows() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        String admin = clinic.adminToken();
        write(api, clinic, admin, tuple("user", ann.id(), "assigned_provider", "patient", "123", null));
        String until = clock.instant().plus(Duration.ofMinutes(1)).toString();
        write(api, clinic, admin, tuple("user", ann.id(), "shared_with", "patient", "456", until));

        JsonNode assigned = check(api, clinic, "dr.ann", "patients.read", "patient", "123").body();
        assertThat(assigned.at("/reason/explanation").asString()).contains("assigned provider of patient 123");
        assertThat(assigned.at("/reason/through/kind").asString()).isEqualTo("ASSIGNED");
        assertThat(assigned.at("/reason/through/object/id").asString()).isEqualTo("123");
        JsonNode shared = check(api, clinic, "dr.ann", "patients.read", "patient", "456").body();
        assertThat(shared.at("/reason/explanation").asString()).contains("patient 456 is shared with them until");
        assertThat(shared.at("/reason/through/kind").asString()).isEqualTo("SHARED");
        assertThat(Instant.parse(shared.at("/reason/through/until").asString()))
                .isEqualTo(Instant.parse(until).truncatedTo(ChronoUnit.MICROS));

        clock.moveAhead(Duration.ofMinutes(2)); // within the sessions' idle time
        JsonNode expired = check(api, clinic, "dr.ann", "patients.read", "patient", "456").body();
        assertThat(expired.path("allowed").asBoolean()).as(expired.toString()).isFalse();
        assertThat(expired.at("/reason/explanation").asString()).contains("is not assigned to patient 456");
        assertThat(allowed(api, clinic, "dr.ann", "patients.read", "patient", "123")).isTrue();
    }

    @Test
    void writingListingAndDeletingAreAuditedAndChangeTheAnswerAtOnce() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        String admin = clinic.adminToken();
        assertThat(allowed(api, clinic, "dr.ann", "patients.read", "patient", "123")).isFalse();

        ApiClient.Response created = api.post(clinic.path("/relationships"), admin,
                tuple("user", ann.id(), "assigned_provider", "patient", "123", null));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("/subject/type")).isEqualTo("user");
        assertThat(created.text("/subject/id")).isEqualTo(ann.id());
        assertThat(created.text("/relation")).isEqualTo("assigned_provider");
        assertThat(created.text("/object/id")).isEqualTo("123");
        assertThat(created.body().get("expiresAt").isNull()).isTrue();
        String id = created.text("/id");
        assertThat(allowed(api, clinic, "dr.ann", "patients.read", "patient", "123"))
                .as("the write reached this node's cache of dr.ann's relationships").isTrue();

        ApiClient.Response again = api.post(clinic.path("/relationships"), admin,
                tuple("user", ann.id(), "assigned_provider", "patient", "123", null));
        assertThat(again.status()).as("writing an existing tuple is idempotent").isEqualTo(200);
        assertThat(again.text("/id")).isEqualTo(id);
        // The Java API other features use (clinical break-glass) finds the same tuple.
        TenantId tenant = new TenantId(Ids.parse(clinic.id()).orElseThrow());
        assertThat(relationships.find(tenant, Relationship.Party.user(Ids.parse(ann.id()).orElseThrow()),
                "assigned_provider", new Relationship.Party("patient", "123"))).map(r -> r.id().toString())
                .contains(id);
        assertThat(relationships.find(tenant, Relationship.Party.user(Ids.parse(ann.id()).orElseThrow()),
                "shared_with", new Relationship.Party("patient", "123"))).isEmpty();

        write(api, clinic, admin, tuple("user", ann.id(), "shared_with", "patient", "456", null));
        JsonNode byObject = api.get(clinic.path("/relationships?object=patient:123"), admin).body();
        assertThat(byObject.path("total").asInt()).isEqualTo(1);
        assertThat(byObject.at("/items/0/id").asString()).isEqualTo(id);
        JsonNode bySubject = api.get(clinic.path("/relationships?subject=user:" + ann.id() + "&size=1"), admin)
                .body();
        assertThat(bySubject.path("total").asInt()).isEqualTo(2);
        assertThat(bySubject.path("items")).hasSize(1);
        assertThat(bySubject.path("size").asInt()).isEqualTo(1);
        assertThat(api.get(clinic.path("/relationships?relation=shared_with"), admin).body().path("total").asInt())
                .isEqualTo(1);
        assertThat(api.get(clinic.path("/relationships/" + id), admin).text("/relation"))
                .isEqualTo("assigned_provider");

        assertThat(api.delete(clinic.path("/relationships/" + id), admin).status()).isEqualTo(204);
        assertThat(allowed(api, clinic, "dr.ann", "patients.read", "patient", "123")).isFalse();
        assertThat(api.get(clinic.path("/relationships/" + id), admin).status()).isEqualTo(404);
        assertThat(api.delete(clinic.path("/relationships/" + id), admin).status()).isEqualTo(404);

        JsonNode written = api.get(clinic.path("/audit?action=RELATIONSHIP_WRITTEN"), admin).body();
        assertThat(written.path("items")).hasSize(2);
        JsonNode deleted = api.get(clinic.path("/audit?action=RELATIONSHIP_DELETED"), admin).body();
        assertThat(deleted.path("items")).hasSize(1);
        assertThat(deleted.at("/items/0/details/subject").asString()).isEqualTo("user:" + ann.id());
        assertThat(deleted.at("/items/0/details/object").asString()).isEqualTo("patient:123");
    }

    @Test
    void badInputIsA400NamingTheFieldAndWritesNothing() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        String admin = clinic.adminToken();
        String stranger = UUID.randomUUID().toString();
        assertThat(field(clinic, tuple("group", ann.id(), "assigned_provider", "patient", "1", null)))
                .isEqualTo("subject.type");
        assertThat(field(clinic, tuple("user", "nine", "assigned_provider", "patient", "1", null)))
                .isEqualTo("subject.id");
        assertThat(field(clinic, tuple("user", stranger, "assigned_provider", "patient", "1", null)))
                .as("a user of no tenant, or of another").isEqualTo("subject.id");
        assertThat(field(clinic, tuple("careteam", stranger, "care_team", "patient", "1", null)))
                .isEqualTo("subject.id");
        assertThat(field(clinic, tuple("user", ann.id(), "Assigned Provider", "patient", "1", null)))
                .isEqualTo("relation");
        assertThat(field(clinic, tuple("user", ann.id(), "assigned_provider", "Patient", "1", null)))
                .isEqualTo("object.type");
        assertThat(field(clinic, tuple("user", ann.id(), "assigned_provider", "patient", "a b", null)))
                .isEqualTo("object.id");
        assertThat(field(clinic, tuple("user", ann.id(), "assigned_provider", "patient", "", null)))
                .isEqualTo("object.id");
        assertThat(field(clinic, tuple("user", ann.id(), "member", "careteam", stranger, null)))
                .isEqualTo("object.id");
        assertThat(field(clinic, tuple("user", ann.id(), "member", "patient", "1", null))).isEqualTo("relation");
        assertThat(field(clinic, tuple("user", ann.id(), "care_team", "patient", "1", null)))
                .isEqualTo("subject.type");
        assertThat(field(clinic, tuple("user", ann.id(), "shared_with", "patient", "1",
                clock.instant().minusSeconds(1).toString()))).isEqualTo("expiresAt");
        assertThat(field(clinic, json("relation", "shared_with"))).isEqualTo("subject");
        ApiClient.Response unknownField = api.post(clinic.path("/relationships"), admin,
                json("subject", raw(RelationshipFixtures.party("user", ann.id())), "relation", "shared_with",
                        "object", raw(RelationshipFixtures.party("patient", "1")), "reason", "x"));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(api.get(clinic.path("/relationships?object=nothing"), admin).status()).isEqualTo(400);
        assertThat(api.get(clinic.path("/relationships?subject=patient:1"), admin).status()).isEqualTo(400);

        assertThat(api.get(clinic.path("/relationships"), admin).body().path("total").asInt()).isZero();
        assertThat(api.get(clinic.path("/audit?action=RELATIONSHIP_WRITTEN"), admin).body().path("items")).isEmpty();
    }

    @Test
    void onlyHoldersOfTheRelationshipPermissionsReadAndWriteThem() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        String body = tuple("user", ann.id(), "assigned_provider", "patient", "123", null);

        assertThat(api.post(clinic.path("/relationships"), ann.token(), body).status()).isEqualTo(403);
        assertThat(api.get(clinic.path("/relationships"), ann.token()).status()).isEqualTo(403);

        // An application's key with the scope writes (issue 13), and reads nothing else.
        ApiClient.Response key = api.post(clinic.path("/api-keys"), clinic.adminToken(),
                json("name", "EHR", "scopes", raw("[\"relationships.write\"]")));
        assertThat(key.status()).as(key.raw()).isEqualTo(201);
        String secret = key.text("/key");
        ApiClient.Response written = api.post(clinic.path("/relationships"), secret, body);
        assertThat(written.status()).as(written.raw()).isEqualTo(201);
        assertThat(api.get(clinic.path("/relationships"), secret).status()).isEqualTo(403);
        assertThat(api.delete(clinic.path("/relationships/" + written.text("/id")), secret).status()).isEqualTo(204);
    }

    @Test
    void anotherTenantsRelationshipsAreNotFound() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        TestMembers.Member otto = TestMembers.member("dr.otto").holding("provider").create(api, other);
        String id = write(api, clinic, clinic.adminToken(),
                tuple("user", ann.id(), "assigned_provider", "patient", "123", null));

        assertThat(api.get(other.path("/relationships/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.delete(other.path("/relationships/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(other.path("/relationships"), other.adminToken()).body().path("total").asInt()).isZero();
        assertThat(api.get(clinic.path("/relationships/" + id), other.adminToken()).status()).isEqualTo(404);
        // The other tenant cannot relate its user to this tenant's... nor this tenant's user in its own.
        ApiClient.Response foreignUser = api.post(other.path("/relationships"), other.adminToken(),
                tuple("user", ann.id(), "assigned_provider", "patient", "123", null));
        assertThat(foreignUser.status()).isEqualTo(400);
        assertThat(foreignUser.raw()).contains("subject.id");
        // A relationship never reaches another tenant: the same patient id there is not Otto's.
        assertThat(allowed(api, other, "dr.otto", "patients.read", "patient", "123")).isFalse();
        assertThat(api.get(clinic.path("/relationships/" + id), clinic.adminToken()).status()).isEqualTo(200);
        assertThat(otto.id()).isNotEqualTo(ann.id());
    }

    private String field(SignedInTenant tenant, String body) {
        ApiClient.Response answer = api.post(tenant.path("/relationships"), tenant.adminToken(), body);
        assertThat(answer.status()).as(answer.raw()).isEqualTo(400);
        return answer.body().at("/errors/0/field").asString();
    }
}
