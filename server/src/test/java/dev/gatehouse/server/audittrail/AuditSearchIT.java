package dev.gatehouse.server.audittrail;

import static dev.gatehouse.server.audittrail.AuditFixtures.actions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.audittrail.AuditFixtures.Clinic;
import dev.gatehouse.server.testing.TestMembers.Member;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /api/v1/tenants/{tenant}/audit: every filter alone and combined, keyset pages, refusals. */
class AuditSearchIT extends IntegrationTest {

    private AuditFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new AuditFixtures(api, operatorToken());
    }

    @Test
    void userCreatedEventsCountExactlyTheRosterAdded() {
        Clinic clinic = fixtures.clinic();
        List<String> roster = List.of(fixtures.user(clinic, "amy", "provider"), fixtures.user(clinic, "ben", "billing"),
                fixtures.user(clinic, "cal", "front_desk"));

        List<JsonNode> created = fixtures.all(clinic, "action", "USER_CREATED");

        Set<String> targets = new HashSet<>();
        created.forEach(e -> targets.add(e.at("/target/id").asString()));
        // The roster plus the first admin, created with the tenant; nothing counted twice.
        assertThat(created).hasSize(roster.size() + 1);
        assertThat(targets).containsAll(roster).contains(clinic.ownerId()).hasSize(roster.size() + 1);
        assertThat(created).allSatisfy(e -> assertThat(e.at("/target/type").asString()).isEqualTo("user"));
    }

    @Test
    void anEventShowsSequenceTimeActorTargetAddressAndDetails() {
        Clinic clinic = fixtures.clinic();
        String amy = fixtures.user(clinic, "amy", "provider");

        JsonNode event = fixtures.all(clinic, "action", "USER_CREATED", "target", amy).getFirst();

        assertThat(event.get("seq").asLong()).isPositive();
        assertThat(Instant.parse(event.get("at").asString())).isBefore(Instant.now().plusSeconds(5));
        assertThat(event.at("/actor/id").asString()).isEqualTo(clinic.ownerId());
        assertThat(event.at("/actor/username").asString()).isEqualTo("owner");
        assertThat(event.at("/actor/roles/0").asString()).isEqualTo("owner");
        assertThat(event.at("/target/name").asString()).isEqualTo("amy");
        assertThat(event.get("ip").asString()).isEqualTo("127.0.0.1");
        assertThat(event.get("userAgent").isNull()).isFalse();
        assertThat(event.get("details").isObject()).isTrue();
    }

    @Test
    void eachFilterAloneNarrowsTheTrail() {
        Clinic clinic = fixtures.clinic();
        Member desk = fixtures.member(clinic, "desk", "front_desk");
        String amy = fixtures.user(clinic, "amy", "provider");

        assertThat(fixtures.all(clinic, "actor", "DESK"))
                .isNotEmpty().allSatisfy(e -> assertThat(e.at("/actor/id").asString()).isEqualTo(desk.id()));
        assertThat(fixtures.all(clinic, "actor", desk.id()))
                .hasSameSizeAs(fixtures.all(clinic, "actor", "desk"));
        assertThat(actions(fixtures.all(clinic, "action", "USER_CREATED, PASSWORD_CHANGED")))
                .contains("USER_CREATED", "PASSWORD_CHANGED").allMatch(a -> a.equals("USER_CREATED")
                        || a.equals("PASSWORD_CHANGED"));
        assertThat(fixtures.all(clinic, "target", amy)).extracting(e -> e.get("action").asString())
                .contains("USER_CREATED").doesNotContain("LOGIN_SUCCEEDED");
        assertThat(fixtures.all(clinic, "target", amy))
                .allSatisfy(e -> assertThat(e.at("/target/id").asString()).isEqualTo(amy));
        assertThat(fixtures.all(clinic, "target", "user:" + amy)).hasSameSizeAs(fixtures.all(clinic, "target", amy));
        assertThat(fixtures.all(clinic, "target", "role:" + amy)).isEmpty();
        assertThat(fixtures.all(clinic, "role", "owner"))
                .isNotEmpty().allSatisfy(e -> assertThat(e.at("/actor/username").asString()).isEqualTo("owner"));
        Response viewed = api.post(clinic.path("/audit/events"), clinic.owner(), ApiClient.json("action",
                "PATIENT_RECORD_VIEWED", "user", desk.id(), "resource", ApiClient.raw(ApiClient.json("type", "patient",
                        "id", "7"))));
        assertThat(viewed.status()).as(viewed.raw()).isEqualTo(201);
        // The front-desk member's own sign-ins and password change, then the record view, newest first.
        assertThat(fixtures.all(clinic, "role", "front_desk")).extracting(e -> e.get("action").asString())
                .containsExactly("PATIENT_RECORD_VIEWED", "LOGIN_SUCCEEDED", "PASSWORD_CHANGED", "LOGIN_SUCCEEDED")
                .allSatisfy(action -> assertThat(action).isNotEmpty());
        assertThat(fixtures.all(clinic, "role", "front_desk"))
                .allSatisfy(e -> assertThat(e.at("/actor/id").asString()).isEqualTo(desk.id()));
        assertThat(fixtures.all(clinic, "role", "billing")).isEmpty();

        int everything = fixtures.all(clinic).size();
        assertThat(fixtures.all(clinic, "ip", "127.0.0.1")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.get("ip").asString()).isEqualTo("127.0.0.1"));
        assertThat(fixtures.all(clinic, "ip", "127.0.0.0/8")).hasSameSizeAs(fixtures.all(clinic, "ip", "127.0.0.1"));
        assertThat(fixtures.all(clinic, "ip", "10.0.0.0/8")).isEmpty();
        assertThat(fixtures.all(clinic, "ip", "::1")).isEmpty();
        // Every event, the tenant's creation by the operator included, carries the request's address.
        assertThat(fixtures.all(clinic, "ip", "127.0.0.1")).hasSize(everything);
    }

    @Test
    void timeBoundsIncludeFromAndExcludeTo() throws InterruptedException {
        Clinic clinic = fixtures.clinic();
        fixtures.user(clinic, "amy", "provider");
        Thread.sleep(20);
        Instant middle = Instant.now();
        Thread.sleep(20);
        String ben = fixtures.user(clinic, "ben", "billing");

        List<JsonNode> after = fixtures.all(clinic, "from", middle.toString());
        List<JsonNode> before = fixtures.all(clinic, "to", middle.toString());

        assertThat(after).extracting(e -> e.at("/target/id").asString()).contains(ben);
        assertThat(after).allSatisfy(e -> assertThat(Instant.parse(e.get("at").asString())).isAfterOrEqualTo(middle));
        assertThat(before).allSatisfy(e -> assertThat(Instant.parse(e.get("at").asString())).isBefore(middle));
        assertThat(after.size() + before.size()).isEqualTo(fixtures.all(clinic).size());
        Instant amyAt = Instant.parse(fixtures.all(clinic, "action", "USER_CREATED").getLast().get("at").asString());
        assertThat(fixtures.all(clinic, "from", amyAt.toString(), "to", amyAt.plusNanos(1000).toString())).isNotEmpty();
    }

    @Test
    void filtersCombine() {
        Clinic clinic = fixtures.clinic();
        Member desk = fixtures.member(clinic, "desk", "front_desk");
        fixtures.member(clinic, "doc", "provider");

        List<JsonNode> deskSignIns = fixtures.all(clinic, "actor", "desk", "action", "LOGIN_SUCCEEDED",
                "ip", "127.0.0.0/24", "target", "user:" + desk.id(), "from", "2020-01-01");
        List<JsonNode> ownerCreations = fixtures.all(clinic, "actor", "OWNER", "action", "USER_CREATED,USER_LOCKED",
                "role", "owner", "ip", "127.0.0.1", "to", "2100-01-01");

        assertThat(deskSignIns).hasSize(2).allSatisfy(e -> {
            assertThat(e.get("action").asString()).isEqualTo("LOGIN_SUCCEEDED");
            assertThat(e.at("/actor/username").asString()).isEqualTo("desk");
        });
        assertThat(ownerCreations).extracting(e -> e.at("/target/name").asString()).containsExactly("doc", "desk");
        assertThat(fixtures.all(clinic, "actor", "owner", "role", "provider")).isEmpty();
        assertThat(fixtures.all(clinic, "actor", "desk", "action", "USER_CREATED")).isEmpty();
        assertThat(fixtures.all(clinic, "action", "LOGIN_SUCCEEDED", "to", "2020-01-01")).isEmpty();
    }

    @Test
    void keysetPagesNewestFirstCoverTheTrailWithoutDuplicatesOrGaps() {
        Clinic clinic = fixtures.clinic();
        for (String name : List.of("amy", "ben", "cal", "dee", "eve")) {
            fixtures.user(clinic, name, "billing");
        }
        List<Long> whole = fixtures.all(clinic).stream().map(e -> e.get("seq").asLong()).toList();

        List<Long> paged = new ArrayList<>();
        String before = null;
        int pages = 0;
        do {
            Response page = before == null ? fixtures.search(clinic, clinic.owner(), "size", "3")
                    : fixtures.search(clinic, clinic.owner(), "size", "3", "before", before);
            assertThat(page.status()).as(page.raw()).isEqualTo(200);
            assertThat(page.body().get("items").size()).isLessThanOrEqualTo(3);
            page.body().get("items").forEach(e -> paged.add(e.get("seq").asLong()));
            before = page.body().has("next") && !page.body().get("next").isNull() ? page.body().get("next").asString()
                    : null;
            pages++;
        } while (before != null && pages < 50);

        assertThat(whole.size()).isGreaterThan(6);
        assertThat(paged).containsExactlyElementsOf(whole);
        assertThat(whole).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        List<Long> filtered = new ArrayList<>();
        Response first = fixtures.search(clinic, clinic.owner(), "action", "USER_CREATED", "size", "4");
        first.body().get("items").forEach(e -> filtered.add(e.get("seq").asLong()));
        Response second = fixtures.search(clinic, clinic.owner(), "action", "USER_CREATED", "size", "4", "before",
                first.text("/next"));
        second.body().get("items").forEach(e -> filtered.add(e.get("seq").asLong()));
        assertThat(filtered).hasSize(6).doesNotHaveDuplicates();
        assertThat(second.body().path("next").isMissingNode() || second.body().get("next").isNull()).isTrue();
    }

    /**
     * seed 004: an offboarded clinician's history stays queryable by username, role, IP address or
     * date range. Their record views come from the application (the events endpoint) and carry the
     * roles they held; sign-ins are recorded by Gatehouse itself.
     */
    @Test
    void anOffboardedCliniciansHistoryStaysQueryableByUsernameRoleAddressAndDates() {
        Clinic clinic = fixtures.clinic();
        Instant start = Instant.now().minusSeconds(1);
        Member clinician = fixtures.member(clinic, "dr.lee", "provider");
        fixtures.signIn(clinic, "dr.lee");
        for (String patient : List.of("123", "456")) {
            Response viewed = api.post(clinic.path("/audit/events"), clinic.owner(), ApiClient.json("action",
                    "PATIENT_RECORD_VIEWED", "user", "dr.lee", "resource", ApiClient.raw(ApiClient.json("type",
                            "patient", "id", patient))));
            assertThat(viewed.status()).as(viewed.raw()).isEqualTo(201);
        }
        Response locked = api.post(clinic.path("/users/" + clinician.id() + "/lock"), clinic.owner(), "");
        assertThat(locked.status()).as(locked.raw()).isEqualTo(200);
        Instant end = Instant.now().plusSeconds(1);

        List<JsonNode> byName = fixtures.all(clinic, "actor", "DR.LEE");
        assertThat(actions(byName)).containsExactly("PATIENT_RECORD_VIEWED", "PATIENT_RECORD_VIEWED",
                "LOGIN_SUCCEEDED", "LOGIN_SUCCEEDED", "PASSWORD_CHANGED", "LOGIN_SUCCEEDED");
        assertThat(fixtures.all(clinic, "actor", clinician.id())).hasSameSizeAs(byName);
        // seed 004: everything the clinician did while holding the role, sign-ins included.
        List<JsonNode> byRole = fixtures.all(clinic, "role", "provider");
        assertThat(actions(byRole)).isEqualTo(actions(byName));
        assertThat(byRole).allSatisfy(e -> assertThat(e.at("/actor/username").asString()).isEqualTo("dr.lee"));
        assertThat(fixtures.all(clinic, "role", "provider", "action", "PATIENT_RECORD_VIEWED"))
                .extracting(e -> e.at("/target/id").asString()).containsExactly("456", "123");
        assertThat(fixtures.all(clinic, "actor", "dr.lee", "ip", "127.0.0.1")).hasSameSizeAs(byName);
        assertThat(fixtures.all(clinic, "ip", "127.0.0.1/32", "role", "provider")).hasSameSizeAs(byRole);
        assertThat(fixtures.all(clinic, "actor", "dr.lee", "from", start.toString(), "to", end.toString()))
                .hasSameSizeAs(byName);
        assertThat(fixtures.all(clinic, "actor", "dr.lee", "to", start.toString())).isEmpty();
        assertThat(actions(fixtures.all(clinic, "target", clinician.id()))).contains("USER_CREATED", "USER_LOCKED");
    }

    @Test
    void badFiltersAnswer400NamingTheField() {
        Clinic clinic = fixtures.clinic();
        String[][] cases = {
                {"ip", "10.0.0.0/33"}, {"ip", "not-an-address"}, {"from", "yesterday"}, {"to", "2026-13-01"},
                {"action", "user_created"}, {"action", "USER_CREATED,"}, {"resource", "patient"}, {"target", "user:"},
                {"before", "abc"}, {"size", "0"}, {"size", "201"}, {"before", "0"}};
        for (String[] bad : cases) {
            Response response = fixtures.search(clinic, clinic.owner(), bad[0], bad[1]);
            assertThat(response.status()).as(bad[0] + "=" + bad[1] + ": " + response.raw()).isEqualTo(400);
            assertThat(response.text("/errors/0/field")).as(response.raw()).isEqualTo(bad[0]);
        }
        Response backwards = fixtures.search(clinic, clinic.owner(), "from", "2026-02-01", "to", "2026-01-01");
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.text("/errors/0/field")).isEqualTo("to");
    }

    @Test
    void frontDeskMayNotReadTheTrail() {
        Clinic clinic = fixtures.clinic();
        Member desk = fixtures.member(clinic, "desk", "front_desk");

        Response denied = fixtures.search(clinic, desk.token());

        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.raw()).contains("audit.read");
    }

    @Test
    void anotherTenantsCallersAndOperatorsGet404() {
        Clinic clinic = fixtures.clinic();
        Clinic other = fixtures.clinic();

        assertThat(fixtures.search(clinic, other.owner()).status()).isEqualTo(404);
        assertThat(fixtures.search(clinic, operatorToken()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/no-such-tenant/audit", clinic.owner()).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/audit"), null).status()).isEqualTo(401);
    }
}
