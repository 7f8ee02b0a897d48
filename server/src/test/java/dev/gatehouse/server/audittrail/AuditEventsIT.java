package dev.gatehouse.server.audittrail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.audittrail.AuditFixtures.Clinic;
import dev.gatehouse.server.testing.TestMembers.Member;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** POST /api/v1/tenants/{tenant}/audit/events: applications record who accessed which records. */
class AuditEventsIT extends IntegrationTest {

    private AuditFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new AuditFixtures(api, operatorToken());
    }

    private Response view(Clinic clinic, String token, String user, String patient) {
        return api.post(clinic.path("/audit/events"), token, json("action", "PATIENT_RECORD_VIEWED", "user", user,
                "resource", raw(json("type", "patient", "id", patient, "location", "downtown")), "details",
                raw(json("section", "labs"))));
    }

    @Test
    void aRecordedAccessJoinsTheTrailAsTheUsersEventWithTheApplicationNamed() {
        Clinic clinic = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");

        Response recorded = view(clinic, clinic.owner(), doc, "123");

        assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
        long seq = recorded.body().get("seq").asLong();
        JsonNode event = fixtures.all(clinic, "resource", "patient:123").getFirst();
        assertThat(event.get("seq").asLong()).isEqualTo(seq);
        assertThat(event.get("action").asString()).isEqualTo("PATIENT_RECORD_VIEWED");
        assertThat(event.at("/actor/id").asString()).isEqualTo(doc);
        assertThat(event.at("/actor/username").asString()).isEqualTo("doc");
        assertThat(event.at("/actor/roles/0").asString()).isEqualTo("provider");
        assertThat(event.at("/target/type").asString()).isEqualTo("patient");
        assertThat(event.at("/target/id").asString()).isEqualTo("123");
        assertThat(event.at("/details/location").asString()).isEqualTo("downtown");
        assertThat(event.at("/details/section").asString()).isEqualTo("labs");
        assertThat(event.at("/details/recordedBy/id").asString()).isEqualTo(clinic.ownerId());
        assertThat(event.at("/details/recordedBy/username").asString()).isEqualTo("owner");
    }

    @Test
    void dataAccessEventsAreSearchableByResourceWithTheOtherFilters() {
        Clinic clinic = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");
        String nurse = fixtures.user(clinic, "nurse", "billing");
        view(clinic, clinic.owner(), doc, "123");
        view(clinic, clinic.owner(), nurse, "123");
        view(clinic, clinic.owner(), doc, "456");
        api.post(clinic.path("/audit/events"), clinic.owner(), json("action", "PATIENT_RECORD_EXPORTED", "user", "doc",
                "resource", raw(json("type", "invoice", "id", "123"))));

        assertThat(fixtures.all(clinic, "resource", "patient:123")).hasSize(2);
        assertThat(fixtures.all(clinic, "resource", "patient:456")).hasSize(1);
        assertThat(fixtures.all(clinic, "resource", "invoice:123")).hasSize(1);
        assertThat(fixtures.all(clinic, "resource", "patient:789")).isEmpty();
        assertThat(fixtures.all(clinic, "resource", "patient:123", "actor", "doc")).hasSize(1);
        assertThat(fixtures.all(clinic, "resource", "patient:123", "role", "billing"))
                .extracting(e -> e.at("/actor/username").asString()).containsExactly("nurse");
        assertThat(fixtures.all(clinic, "actor", "doc", "action", "PATIENT_RECORD_VIEWED,PATIENT_RECORD_EXPORTED"))
                .hasSize(3);
        // A Gatehouse event about a user is not a data-access event, even with the same type and id.
        assertThat(fixtures.all(clinic, "resource", "user:" + doc)).isEmpty();
        assertThat(fixtures.all(clinic, "target", "user:" + doc)).isNotEmpty();
    }

    @Test
    void badEventsAnswer400NamingTheField() {
        Clinic clinic = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");
        record Case(String body, String field) {}
        String patient = json("type", "patient", "id", "1");
        List<Case> cases = List.of(
                new Case(json("action", "patient viewed", "user", doc, "resource", raw(patient)), "action"),
                new Case(json("action", "A".repeat(65), "user", doc, "resource", raw(patient)), "action"),
                new Case(json("action", "USER_CREATED", "user", doc, "resource", raw(patient)), "action"),
                new Case(json("user", doc, "resource", raw(patient)), "action"),
                new Case(json("action", "PATIENT_RECORD_VIEWED", "user", "00000000-0000-0000-0000-000000000001",
                        "resource", raw(patient)), "user"),
                new Case(json("action", "PATIENT_RECORD_VIEWED", "user", "nobody", "resource", raw(patient)), "user"),
                new Case(json("action", "PATIENT_RECORD_VIEWED", "user", doc), "resource"),
                new Case(json("action", "PATIENT_RECORD_VIEWED", "user", doc, "resource", raw(json("type", "patient"))),
                        "id"),
                new Case(json("action", "PATIENT_RECORD_VIEWED", "user", doc, "resource", raw(patient), "details",
                        raw(json("recordedBy", "someone else"))), "details.recordedBy"),
                new Case(json("action", "PATIENT_RECORD_VIEWED", "user", doc, "resource", raw(patient), "details",
                        raw(json("impersonatedBy", "an operator"))), "details.impersonatedBy"),
                new Case(json("action", "PATIENT_RECORD_VIEWED", "user", doc, "resource", raw(patient), "details",
                        "text"), "details"),
                // A key that names a secret is the application's mistake, not the server's: 400, never 500.
                new Case(json("action", "PATIENT_RECORD_VIEWED", "user", doc, "resource", raw(patient), "details",
                        raw(json("reasonCode", "SCOPE_MISS"))), "details.reasonCode"),
                new Case("{not json", "body"));
        for (Case bad : cases) {
            Response response = api.post(clinic.path("/audit/events"), clinic.owner(), bad.body());
            assertThat(response.status()).as(bad.body() + " -> " + response.raw()).isEqualTo(400);
            assertThat(response.text("/errors/0/field")).as(response.raw()).endsWith(bad.field());
        }
        assertThat(fixtures.all(clinic, "action", "PATIENT_RECORD_VIEWED")).isEmpty();
    }

    @Test
    void aCallerWithoutAccessCheckMayNotRecord() {
        Clinic clinic = fixtures.clinic();
        Member desk = fixtures.member(clinic, "desk", "front_desk");

        Response denied = view(clinic, desk.token(), desk.id(), "123");

        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.raw()).contains("access.check");
        assertThat(fixtures.all(clinic, "resource", "patient:123")).isEmpty();
    }

    @Test
    void anotherTenantsApplicationGets404AndCannotNameThisTenantsUsers() {
        Clinic clinic = fixtures.clinic();
        Clinic other = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");

        assertThat(view(clinic, other.owner(), doc, "123").status()).isEqualTo(404);
        assertThat(view(clinic, operatorToken(), doc, "123").status()).isEqualTo(404);
        Response foreignUser = view(other, other.owner(), doc, "123");
        assertThat(foreignUser.status()).isEqualTo(400);
        assertThat(foreignUser.text("/errors/0/field")).isEqualTo("user");
    }

    private static String event(String action, String user, String patient) {
        return json("action", action, "user", user, "resource", raw(json("type", "patient", "id", patient)));
    }

    private static String batch(String... events) {
        return json("events", raw("[" + String.join(",", events) + "]"));
    }

    @Test
    void aBatchJoinsTheTrailInOrderWithConsecutiveSequenceNumbersAndTheChainHolds() {
        Clinic clinic = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");
        fixtures.user(clinic, "nurse", "billing");

        Response recorded = api.post(clinic.path("/audit/events/batch"), clinic.owner(), batch(
                event("PATIENT_RECORD_VIEWED", doc, "1"), event("PATIENT_RECORD_VIEWED", "nurse", "2"),
                event("PATIENT_RECORD_PRINTED", doc, "1")));

        assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
        List<Long> seqs = new ArrayList<>();
        recorded.body().get("seqs").forEach(seq -> seqs.add(seq.asLong()));
        assertThat(seqs).hasSize(3);
        assertThat(seqs.get(1)).isEqualTo(seqs.get(0) + 1);
        assertThat(seqs.get(2)).isEqualTo(seqs.get(0) + 2);
        List<JsonNode> events = fixtures.all(clinic, "action", "PATIENT_RECORD_VIEWED,PATIENT_RECORD_PRINTED").reversed();
        assertThat(events).extracting(e -> e.get("seq").asLong()).containsExactlyElementsOf(seqs);
        assertThat(events).extracting(e -> e.at("/actor/username").asString()).containsExactly("doc", "nurse", "doc");
        assertThat(events).extracting(e -> e.at("/actor/roles/0").asString())
                .containsExactly("provider", "billing", "provider");
        assertThat(events).extracting(e -> e.at("/target/id").asString()).containsExactly("1", "2", "1");
        assertThat(events).allSatisfy(e -> assertThat(e.at("/details/recordedBy/username").asString()).isEqualTo("owner"));
        assertThat(fixtures.all(clinic, "resource", "patient:1", "actor", "doc")).hasSize(2);
        Response verified = api.get(clinic.path("/audit/verify"), clinic.owner());
        assertThat(verified.body().get("ok").asBoolean()).as(verified.raw()).isTrue();
    }

    @Test
    void oneBadEventInABatchAnswers400NamingItAndRecordsNone() {
        Clinic clinic = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");
        String good = event("PATIENT_RECORD_VIEWED", doc, "1");
        record Case(String body, String field) {}
        List<Case> cases = List.of(
                new Case(batch(good, good, event("PATIENT_RECORD_VIEWED", "nobody", "1")), "events[2].user"),
                new Case(batch(good, event("USER_CREATED", doc, "1")), "events[1].action"),
                new Case(batch(good, event("patient viewed", doc, "1")), "events[1].action"),
                new Case(batch(good, json("action", "PATIENT_RECORD_VIEWED", "user", doc)), "events[1].resource"),
                new Case(batch(json("action", "PATIENT_RECORD_VIEWED", "user", doc, "resource",
                        raw(json("type", "patient", "id", "1")), "details", raw(json("recordedBy", "me")))),
                        "events[0].details.recordedBy"),
                new Case(batch(good, json("action", "PATIENT_RECORD_VIEWED", "user", doc, "resource",
                        raw(json("type", "patient", "id", "1")), "details", raw(json("accessToken", "eyJ…")))),
                        "events[1].details.accessToken"),
                new Case(batch(), "events"),
                new Case(batch(Collections.nCopies(AuditController.MAX_BATCH + 1, good).toArray(String[]::new)),
                        "events"),
                new Case(json("events", "not a list"), "events"),
                new Case("{}", "events"));
        for (Case bad : cases) {
            Response response = api.post(clinic.path("/audit/events/batch"), clinic.owner(), bad.body());
            assertThat(response.status()).as(bad.field() + " -> " + response.raw()).isEqualTo(400);
            assertThat(response.text("/errors/0/field")).as(response.raw()).isEqualTo(bad.field());
        }
        assertThat(fixtures.all(clinic, "action", "PATIENT_RECORD_VIEWED")).isEmpty();
    }

    @Test
    void aBatchNeedsAccessCheckAndStaysInItsTenant() {
        Clinic clinic = fixtures.clinic();
        Clinic other = fixtures.clinic();
        Member desk = fixtures.member(clinic, "desk", "front_desk");
        String doc = fixtures.user(clinic, "doc", "provider");
        String body = batch(event("PATIENT_RECORD_VIEWED", doc, "1"));

        Response denied = api.post(clinic.path("/audit/events/batch"), desk.token(), body);
        Response foreign = api.post(clinic.path("/audit/events/batch"), other.owner(), body);
        Response foreignUser = api.post(other.path("/audit/events/batch"), other.owner(), body);

        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.raw()).contains("access.check");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreignUser.status()).isEqualTo(400);
        assertThat(foreignUser.text("/errors/0/field")).isEqualTo("events[0].user");
        assertThat(fixtures.all(clinic, "resource", "patient:1")).isEmpty();
        assertThat(fixtures.all(other, "resource", "patient:1")).isEmpty();
    }
}
