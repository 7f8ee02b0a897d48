package dev.gatehouse.client;

import static dev.gatehouse.client.FakeGatehouse.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.client.FakeGatehouse.Response;
import dev.gatehouse.engine.DecisionView;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.engine.TenantPolicy;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Local decisions against a fake Gatehouse serving the contract's documents and a change stream the
 * test drives: the same answers as the engine built directly, changes applied, staleness, resumption.
 */
class LocalDecisionsTest {

    private static final String DECISIONS = FakeGatehouse.TENANT + "/decisions";
    private static final String SUBJECTS = DECISIONS + "/subjects/";
    private static final Instant NOON = Instant.parse("2026-06-01T12:00:00Z");

    private FakeGatehouse server;
    private GatehouseClient client;
    private final AtomicBoolean tenantActive = new AtomicBoolean(true);
    /** The subject documents the server holds, by every name they are asked by. */
    private final Map<String, Map<String, Object>> subjects = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = new FakeGatehouse();
        server.helloVersion(10);
        server.on("GET", DECISIONS + "/policy", request -> Response.json(200,
                Clinic.policyDocument(10, tenantActive.get())));
        server.on("POST", FakeGatehouse.TENANT + "/check", request -> Response.json(200, Map.of("allowed", true,
                "reason", Map.of("code", "GRANTED_BY", "explanation", "from the server"))));
        hold(Clinic.patel(10, "ACTIVE"), "dr.patel");
        hold(Clinic.lee(10), "lee");
        hold(Clinic.temp(10, "ACTIVE"), "temp");
        hold(Clinic.elevated(10), "elevated");
        for (String name : List.of("dr.patel", "lee", "temp", "elevated", "ghost", Clinic.PATEL, Clinic.LEE,
                Clinic.TEMP, Clinic.ELEVATED)) {
            server.on("GET", SUBJECTS + name, request -> subjects.containsKey(name)
                    ? Response.json(200, subjects.get(name))
                    : Response.problem(404, "Not found", "user " + name + " does not exist in this tenant", Map.of()));
        }
        client = GatehouseClient.builder().baseUrl(server.base()).apiKey("ghk_app").tenant("northside").build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private void hold(Map<String, Object> document, String username) {
        subjects.put(username, document);
        subjects.put((String) document.get("id"), document);
    }

    private LocalDecisions local() {
        return client.localDecisions(LocalOptions.defaults());
    }

    private static Map<String, Object> engineAnswer(TenantPolicy policy, Profile profile, Check check,
            Resource resource, SubjectRelations relations) {
        return Json.tree(check.fields() == null
                ? DecisionView.of(policy.check(profile, check.permission(), resource, check.at(), RequestContext.EMPTY,
                        relations))
                : DecisionView.of(policy.checkFields(profile, check.permission(), check.fields(), resource, check.at(),
                        RequestContext.EMPTY, relations)));
    }

    @Test
    void answersAsTheEngineBuiltDirectlyReasonIncluded() {
        TenantPolicy policy = Clinic.policy();
        Profile patel = policy.compile(Clinic.patelSubject());
        Profile lee = policy.compile(Clinic.leeSubject());
        SubjectRelations relations = Clinic.patelRelations();
        Resource patient123 = Resource.of("patient", "123").locatedAt(Clinic.DOWNTOWN);
        Resource patient999 = Resource.of("patient", "999");
        Instant after = Clinic.LEE_UNTIL.plusSeconds(1);
        try (LocalDecisions local = local()) {
            record Case(Check check, Profile profile, Resource resource, SubjectRelations relations) {}
            List<Case> cases = List.of(
                    new Case(Check.of("dr.patel", "patients.read").on(ResourceRef.of("patient", "123")
                            .at(Clinic.DOWNTOWN.toUpperCase(java.util.Locale.ROOT))).at(NOON), patel, patient123,
                            relations),
                    new Case(Check.of(Clinic.PATEL, "patients.write").on(ResourceRef.of("patient", "123")).at(NOON),
                            patel, Resource.of("patient", "123"), relations),
                    new Case(Check.of("dr.patel", "patients.write").on(ResourceRef.of("patient", "999")).at(NOON),
                            patel, patient999, relations),
                    new Case(Check.of("dr.patel", "patients.read").on(ResourceRef.of("patient", "123")
                            .at(Clinic.DOWNTOWN)).fields("ssn").at(NOON), patel, patient123, relations),
                    new Case(Check.of("dr.patel", "invoices.approve").at(NOON), patel, null, SubjectRelations.NONE),
                    new Case(Check.of("dr.patel", "no.such").at(NOON), patel, null, SubjectRelations.NONE),
                    new Case(Check.of("lee", "patients.read").on(ResourceRef.of("patient", "5").at(Clinic.NORTH))
                            .at(after), lee, Resource.of("patient", "5").locatedAt(Clinic.NORTH), SubjectRelations.NONE));
            for (Case c : cases) {
                CheckResult result = local.check(c.check());
                assertThat(result.answeredBy()).isEqualTo(Answered.LOCAL);
                assertThat(result.decision()).as(c.check().toString())
                        .isEqualTo(engineAnswer(policy, c.profile(), c.check(), c.resource(), c.relations()));
            }
            assertThat(local.check(cases.get(1).check()).via()).containsKey("assignment");
            assertThat(local.check(cases.get(6).check()).code()).isEqualTo("OUTSIDE_VALIDITY");
        }
        assertThat(server.requests("POST", FakeGatehouse.TENANT + "/check")).isEmpty();
        assertThat(server.requests("GET", DECISIONS + "/policy")).hasSize(1);
    }

    @Test
    void theFastPathAgreesWithTheFullCheck() {
        try (LocalDecisions local = local()) {
            assertThat(local.allows("dr.patel", "patients.read", Resource.at(Clinic.DOWNTOWN))).isTrue();
            assertThat(local.allows("dr.patel", "patients.read", Resource.at(Clinic.NORTH))).isFalse();
            assertThat(local.allows(Clinic.PATEL, "patients.write", Resource.of("patient", "123"))).isTrue();
            assertThat(local.allows("dr.patel", "invoices.approve")).isFalse();
            assertThat(local.allows("lee", "patients.read")).isTrue();
            assertThat(local.status().cachedUsers()).isEqualTo(2);
        }
        assertThat(server.requests("GET", SUBJECTS + "dr.patel")).hasSize(1);
    }

    @Test
    void aSubjectChangeDropsTheProfileAndTheNextCheckReloadsIt() {
        try (LocalDecisions local = local()) {
            assertThat(local.allows("dr.patel", "patients.read")).isTrue();

            hold(Clinic.patel(11, "LOCKED"), "dr.patel");
            server.change(11, "SUBJECT", Clinic.PATEL);
            await("change 11 applied", () -> local.status().version() == 11);

            CheckResult locked = local.check(Check.of("dr.patel", "patients.read"));
            assertThat(locked.allowed()).isFalse();
            assertThat(locked.code()).isEqualTo("INACTIVE_SUBJECT");
        }
        assertThat(server.requests("GET", SUBJECTS + "dr.patel")).hasSize(2);
    }

    /**
     * The fast path skips the clock only for users whose decisions read no time: Lee's role expires in
     * 2030, so once the clock passes that the fast path denies her, while Patel, holding no time, is
     * answered alike.
     */
    @Test
    void theFastPathReadsTheClockForAUserWhoseRoleExpires() {
        AtomicReference<Instant> now = new AtomicReference<>(NOON);
        Clock moving = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        try (GatehouseClient timed = GatehouseClient.builder().baseUrl(server.base()).apiKey("ghk_app")
                .tenant("northside").clock(moving).build();
                LocalDecisions local = timed.localDecisions(LocalOptions.defaults())) {
            assertThat(local.allows("lee", "patients.read")).isTrue();
            assertThat(local.allows("dr.patel", "patients.read", Resource.at(Clinic.DOWNTOWN))).isTrue();

            now.set(Clinic.LEE_UNTIL.plusSeconds(1));

            assertThat(local.allows("lee", "patients.read")).as("after her role expired").isFalse();
            assertThat(local.allows("dr.patel", "patients.read", Resource.at(Clinic.DOWNTOWN))).isTrue();
        }
    }

    @Test
    void aChangeOfTheLenderDropsTheDelegatesProfileToo() {
        try (LocalDecisions local = local()) {
            assertThat(local.allows("temp", "patients.read", Resource.at(Clinic.DOWNTOWN))).isTrue();

            hold(Clinic.temp(12, "DISABLED"), "temp");
            server.change(12, "SUBJECT", Clinic.PATEL);
            await("change 12 applied", () -> local.status().version() == 12);

            assertThat(local.allows("temp", "patients.read", Resource.at(Clinic.DOWNTOWN))).isFalse();
        }
        assertThat(server.requests("GET", SUBJECTS + "temp")).hasSize(2);
    }

    @Test
    void aRelationsChangeReloadsThatUsersRelationships() {
        try (LocalDecisions local = local()) {
            Check write = Check.of("dr.patel", "patients.write").on(ResourceRef.of("patient", "123"));
            assertThat(local.check(write).allowed()).isTrue();

            Map<String, Object> unassigned = Clinic.patel(13, "ACTIVE");
            unassigned.put("relations", Map.of("tuples", List.of(), "careTeams", List.of()));
            hold(unassigned, "dr.patel");
            server.change(13, "RELATIONS", Clinic.PATEL);
            await("change 13 applied", () -> local.status().version() == 13);

            assertThat(local.check(write).allowed()).isFalse();
        }
    }

    @Test
    void aPolicyChangeReloadsThePolicyAndEveryProfile() {
        try (LocalDecisions local = local()) {
            assertThat(local.allows("lee", "patients.read")).isTrue();

            tenantActive.set(false);
            server.change(14, "POLICY", null);
            await("change 14 applied", () -> local.status().version() == 14);

            assertThat(local.check(Check.of("lee", "patients.read")).code()).isEqualTo("INACTIVE_TENANT");
        }
        assertThat(server.requests("GET", DECISIONS + "/policy")).hasSize(2);
        assertThat(server.requests("GET", SUBJECTS + "lee")).hasSize(2);
    }

    @Test
    void aResetDropsEverythingAndStartsFromItsVersion() {
        try (LocalDecisions local = local()) {
            assertThat(local.allows("lee", "patients.read")).isTrue();

            server.send("reset", null, "{\"version\": 40}");
            await("reset applied", () -> local.status().version() == 40);

            assertThat(local.status().cachedUsers()).isZero();
            assertThat(local.allows("lee", "patients.read")).isTrue();
        }
        assertThat(server.requests("GET", DECISIONS + "/policy")).hasSize(2);
        assertThat(server.requests("GET", SUBJECTS + "lee")).hasSize(2);
    }

    @Test
    void afterADropItReconnectsResumingFromTheNewestChangeWithLastEventId() {
        try (LocalDecisions local = local()) {
            server.change(15, "RELATIONS", Clinic.LEE);
            await("change 15 applied", () -> local.status().version() == 15);

            server.dropStreams();
            await("reconnected", () -> server.requests("GET", FakeGatehouse.TENANT + "/changes").size() == 2);
        }
        assertThat(server.requests("GET", FakeGatehouse.TENANT + "/changes"))
                .extracting(request -> request.header("Last-Event-ID")).containsExactly("10", "15");
    }

    @Test
    void whenTheStreamFallsSilentBeyondTheBoundItFailsClosedAndSaysWhy() {
        LocalDecisions local = client.localDecisions(LocalOptions.defaults().stalenessBound(Duration.ofMillis(300)));
        assertThat(local.allows("lee", "patients.read")).isTrue();
        await("stale", () -> local.status().state() == LocalDecisions.State.STALE);

        CheckResult stale = local.check(Check.of("lee", "patients.read"));

        assertThat(stale.allowed()).isFalse();
        assertThat(stale.code()).isEqualTo(CheckResult.STALE_DECISIONS);
        assertThat(stale.explanation()).contains("since " + local.status().lastHeardAt()).contains("staleness bound");
        assertThat(local.allows("lee", "patients.read")).isFalse();
        assertThat(server.requests("POST", FakeGatehouse.TENANT + "/check")).isEmpty();

        server.send("heartbeat", null, "{\"version\": 10}");
        await("fresh again", () -> local.status().state() == LocalDecisions.State.CONNECTED);
        assertThat(local.allows("lee", "patients.read")).isTrue();
        local.close();
    }

    @Test
    void theFastPathTurnsStaleByItselfThroughTheWatchdogAndAsksTheServerWhenSoConfigured() {
        LocalDecisions local = client.localDecisions(LocalOptions.defaults().stalenessBound(Duration.ofMillis(300))
                .whenStale(WhenStale.HTTP));
        assertThat(local.allows("dr.patel", "invoices.approve")).as("denied locally while fresh").isFalse();

        await("the fast path asks the server once the stream is silent",
                () -> local.allows("dr.patel", "invoices.approve"));

        assertThat(Json.MAPPER.readValue(server.requests("POST", FakeGatehouse.TENANT + "/check").getLast().body(),
                Json.TREE)).containsEntry("user", "dr.patel").containsEntry("permission", "invoices.approve");
        local.close();
    }

    @Test
    void whenStaleWithHttpFallbackItAsksTheServer() {
        LocalDecisions local = client.localDecisions(LocalOptions.defaults().stalenessBound(Duration.ofMillis(300))
                .whenStale(WhenStale.HTTP));
        await("stale", () -> local.status().state() == LocalDecisions.State.STALE);

        CheckResult answer = local.check(Check.of("lee", "patients.read"));

        assertThat(answer.answeredBy()).isEqualTo(Answered.SERVER);
        assertThat(answer.explanation()).isEqualTo("from the server");
        assertThat(server.requests("POST", FakeGatehouse.TENANT + "/check")).hasSize(1);
        local.close();
    }

    @Test
    void aDownloadRacingAChangeIsNotKept() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Map<String, Object>> answered = new AtomicReference<>(Clinic.lee(10));
        server.on("GET", SUBJECTS + "lee", request -> {
            Map<String, Object> document = answered.get();
            arrived.countDown();
            release.await(10, TimeUnit.SECONDS);
            return Response.json(200, document);
        });
        try (LocalDecisions local = local()) {
            CompletableFuture<Boolean> racing = CompletableFuture.supplyAsync(() -> local.allows("lee", "patients.read"));
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            Map<String, Object> revoked = Clinic.lee(16);
            revoked.put("assignments", List.of());
            answered.set(revoked);
            server.change(16, "SUBJECT", Clinic.LEE);
            await("change 16 applied", () -> local.status().version() == 16);
            release.countDown();

            assertThat(racing.get(10, TimeUnit.SECONDS)).as("the older download is not the answer kept").isFalse();
            assertThat(local.allows("lee", "patients.read")).isFalse();
        }
        assertThat(server.requests("GET", SUBJECTS + "lee")).hasSize(2);
    }

    @Test
    void anAllowThroughAOneTimeElevationIsLeftToTheServer() {
        try (LocalDecisions local = local()) {
            Check approve = Check.of("elevated", "invoices.approve")
                    .on(ResourceRef.of("invoice", "7").attributes(Map.of("amount", 100)));

            assertThat(local.check(approve).answeredBy()).isEqualTo(Answered.SERVER);
            assertThat(local.allows("elevated", "invoices.approve", Resource.of("invoice", "7")
                    .withAttributes(Map.of("amount", 100)))).isTrue();
            assertThat(local.check(approve.on(ResourceRef.of("invoice", "8").attributes(Map.of("amount", 900)))).code())
                    .as("a deny stays local").isEqualTo("CONDITION_FAILED");
        }
        assertThat(server.requests("POST", FakeGatehouse.TENANT + "/check")).hasSize(2);
    }

    @Test
    void anAuditedLocalDenyIsSentToTheServerToRecord() {
        try (LocalDecisions local = local()) {
            CheckResult denied = local.check(Check.of("lee", "invoices.approve").audit(true));

            assertThat(denied.allowed()).isFalse();
            assertThat(denied.answeredBy()).isEqualTo(Answered.LOCAL);
        }
        assertThat(Json.MAPPER.readValue(server.requests("POST", FakeGatehouse.TENANT + "/check").getFirst().body(),
                Json.TREE)).containsEntry("audit", true).containsEntry("permission", "invoices.approve");
    }

    @Test
    void anUnknownUserIsNotFound() {
        try (LocalDecisions local = local()) {
            assertThatThrownBy(() -> local.check(Check.of("ghost", "patients.read")))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("user ghost does not exist");
        }
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        try (LocalDecisions local = local()) {
            assertThatThrownBy(() -> local.check(Check.of(" ", "patients.read").fields("ssn", "ssn")))
                    .isInstanceOfSatisfying(InvalidRequestException.class, refused -> assertThat(refused.errors())
                            .extracting(FieldError::field).containsExactly("user", "fields[1]"));
        }
    }

    @Test
    void closingStopsTheStreamThread() {
        LocalDecisions local = local();
        await("stream thread running", () -> streamThreads() == 1);

        local.close();

        await("stream thread ended", () -> streamThreads() == 0);
        assertThatThrownBy(() -> local.allows("lee", "patients.read")).isInstanceOf(IllegalStateException.class);
    }

    private static long streamThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("gatehouse-changes") && thread.isAlive()).count();
    }
}
