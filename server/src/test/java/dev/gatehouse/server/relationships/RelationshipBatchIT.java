package dev.gatehouse.server.relationships;

import static dev.gatehouse.server.relationships.RelationshipFixtures.allowed;
import static dev.gatehouse.server.relationships.RelationshipFixtures.tuple;
import static dev.gatehouse.server.relationships.RelationshipFixtures.write;
import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.EventStream;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST …/relationships/batch} (issue 17): many tuples in one transaction, each audited as its
 * single write would be, all or nothing, with the permission of a single write.
 */
class RelationshipBatchIT extends IntegrationTest {

    /** How long the test waits for a change event that should come; generous, since the suite shares two cores. */
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TestClock clock;

    private static String batch(List<String> items) {
        return json("items", raw("[" + String.join(",", items) + "]"));
    }

    private long count(SignedInTenant tenant, String sql) {
        return jdbc.sql(sql).param("t", UUID.fromString(tenant.id())).query(Long.class).single();
    }

    private long relationships(SignedInTenant tenant) {
        return count(tenant, "select count(*) from relationships where tenant_id = :t");
    }

    private void assertTrailVerifies(SignedInTenant tenant) {
        ApiClient.Response verify = api.get(tenant.path("/audit/verify"), tenant.adminToken());
        assertThat(verify.status()).as(verify.raw()).isEqualTo(200);
        assertThat(verify.body().path("ok").asBoolean()).as(verify.raw()).isTrue();
    }

    @Test
    void aBatchWritesEveryTupleWithItsEventAndTheChecksAndChangeStreamSeeIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        TestMembers.Member ben = TestMembers.member("dr.ben").holding("provider").create(api, clinic);
        String admin = clinic.adminToken();
        // Loaded into the cache before the batch: the batch must evict it.
        assertThat(allowed(api, clinic, "dr.ann", "patients.read", "patient", "123")).isFalse();
        String existing = write(api, clinic, admin, tuple("user", ben.id(), "assigned_provider", "patient", "9", null));
        String extended = write(api, clinic, admin, tuple("user", ben.id(), "shared_with", "patient", "11",
                clock.instant().plus(Duration.ofHours(1)).toString()));
        String until = clock.instant().plus(Duration.ofDays(2)).toString();
        long eventsBefore = count(clinic, "select count(*) from audit_events where tenant_id = :t"
                + " and action = 'RELATIONSHIP_WRITTEN'");

        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), admin)) {
            long hello = stream.next("hello", WAIT).data().path("version").asLong();
            ApiClient.Response written = api.post(clinic.path("/relationships/batch"), admin, batch(List.of(
                    tuple("user", ann.id(), "assigned_provider", "patient", "123", null),
                    tuple("user", ann.id(), "shared_with", "patient", "456",
                            clock.instant().plus(Duration.ofDays(1)).toString()),
                    tuple("user", ben.id(), "assigned_provider", "patient", "9", null),
                    tuple("user", ben.id(), "assigned_provider", "patient", "10", null),
                    tuple("user", ben.id(), "shared_with", "patient", "11", until))));

            assertThat(written.status()).as(written.raw()).isEqualTo(200);
            assertThat(written.body().path("created").asLong()).isEqualTo(3);
            JsonNode items = written.body().path("items");
            assertThat(items).hasSize(5);
            assertThat(items.get(0).at("/object/id").asString()).isEqualTo("123");
            assertThat(items.get(2).path("id").asString()).as("the stored tuple, unchanged").isEqualTo(existing);
            assertThat(items.get(4).path("id").asString()).as("the stored tuple, its expiry replaced")
                    .isEqualTo(extended);
            assertThat(java.time.Instant.parse(items.get(4).path("expiresAt").asString()))
                    .isEqualTo(java.time.Instant.parse(until).truncatedTo(java.time.temporal.ChronoUnit.MICROS));

            Set<String> changed = new HashSet<>();
            while (!changed.containsAll(Set.of(ann.id(), ben.id()))) {
                EventStream.Event change = stream.next("change", WAIT);
                if (change.data().path("version").asLong() > hello
                        && change.data().path("kind").asString().equals("RELATIONS")) {
                    changed.add(change.data().path("user").asString());
                }
            }
        }
        assertThat(allowed(api, clinic, "dr.ann", "patients.read", "patient", "123")).isTrue();
        assertThat(allowed(api, clinic, "dr.ann", "patients.read", "patient", "456")).isTrue();
        assertThat(allowed(api, clinic, "dr.ben", "patients.read", "patient", "10")).isTrue();
        assertThat(relationships(clinic)).isEqualTo(5);
        // One event per tuple written or re-expired (as a single write records it); the unchanged one, none.
        assertThat(count(clinic, "select count(*) from audit_events where tenant_id = :t"
                + " and action = 'RELATIONSHIP_WRITTEN'")).isEqualTo(eventsBefore + 4);
        assertThat(count(clinic, "select count(*) from audit_events where tenant_id = :t"
                + " and action = 'RELATIONSHIP_WRITTEN' and details -> 'previousExpiresAt' is not null")).isEqualTo(1);
        assertTrailVerifies(clinic);
    }

    @Test
    void batchesSentAtOnceNamingTheSameUsersAreBothWrittenWithOneUnbrokenChain() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        TestMembers.Member ben = TestMembers.member("dr.ben").holding("provider").create(api, clinic);
        String admin = clinic.adminToken();
        // Each batch names both users (their locks taken in one order) and its own 100 patients: the
        // scale harness's REL_PARALLEL sends batches so.
        List<String> first = IntStream.range(0, 100).mapToObj(i -> tuple("user", i % 2 == 0 ? ann.id() : ben.id(),
                "assigned_provider", "patient", "a" + i, null)).toList();
        List<String> second = IntStream.range(0, 100).mapToObj(i -> tuple("user", i % 2 == 0 ? ben.id() : ann.id(),
                "assigned_provider", "patient", "b" + i, null)).toList();
        long eventsBefore = count(clinic, "select count(*) from audit_events where tenant_id = :t");

        try (var sending = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var one = sending.submit(() -> api.post(clinic.path("/relationships/batch"), admin, batch(first)));
            var other = sending.submit(() -> api.post(clinic.path("/relationships/batch"), admin, batch(second)));
            for (ApiClient.Response answer : List.of(one.get(), other.get())) {
                assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
                assertThat(answer.body().path("created").asLong()).isEqualTo(100);
            }
        }
        assertThat(relationships(clinic)).isEqualTo(200);
        assertThat(count(clinic, "select count(*) from audit_events where tenant_id = :t")).isEqualTo(eventsBefore + 200);
        assertTrailVerifies(clinic);
    }

    @Test
    void aBadItemIsNamedAndNothingOfTheBatchIsWritten() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        String admin = clinic.adminToken();
        String good = tuple("user", ann.id(), "assigned_provider", "patient", "123", null);

        ApiClient.Response bad = api.post(clinic.path("/relationships/batch"), admin, batch(List.of(good,
                tuple("user", ann.id(), "assigned_provider", "patient", "has space", null),
                tuple("user", ann.id(), "shared_with", "patient", "7", clock.instant().minusSeconds(60).toString()),
                good)));
        assertThat(bad.status()).as(bad.raw()).isEqualTo(400);
        Set<String> fields = new HashSet<>();
        bad.body().path("errors").forEach(error -> fields.add(error.path("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("items[1].object.id", "items[2].expiresAt", "items[3]");
        assertThat(relationships(clinic)).isZero();

        ApiClient.Response unknownField = api.post(clinic.path("/relationships/batch"), admin,
                json("items", raw("[" + good + "]"), "mode", "fast"));
        assertThat(unknownField.status()).as(unknownField.raw()).isEqualTo(400);
        ApiClient.Response empty = api.post(clinic.path("/relationships/batch"), admin, json("items", raw("[]")));
        assertThat(empty.status()).as(empty.raw()).isEqualTo(400);
        assertThat(empty.text("/errors/0/field")).isEqualTo("items");
        assertThat(relationships(clinic)).isZero();
        assertThat(count(clinic, "select count(*) from audit_events where tenant_id = :t"
                + " and action = 'RELATIONSHIP_WRITTEN'")).isZero();
    }

    @Test
    void overTheLimitIsRefusedWhole() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        List<String> items = IntStream.rangeClosed(1, Relationships.MAX_BATCH + 1)
                .mapToObj(i -> tuple("user", ann.id(), "assigned_provider", "patient", "p" + i, null))
                .collect(Collectors.toList());

        ApiClient.Response over = api.post(clinic.path("/relationships/batch"), clinic.adminToken(), batch(items));
        assertThat(over.status()).as(over.raw()).isEqualTo(400);
        assertThat(over.text("/errors/0/field")).isEqualTo("items");
        assertThat(relationships(clinic)).isZero();

        ApiClient.Response full = api.post(clinic.path("/relationships/batch"), clinic.adminToken(),
                batch(items.subList(0, Relationships.MAX_BATCH)));
        assertThat(full.status()).as(full.raw()).isEqualTo(200);
        assertThat(full.body().path("created").asLong()).isEqualTo(Relationships.MAX_BATCH);
        assertThat(relationships(clinic)).isEqualTo(Relationships.MAX_BATCH);
        assertTrailVerifies(clinic);
    }

    @Test
    void anotherTenantsUsersAndCareTeamsAreUnknownAndNothingIsWritten() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        TestMembers.Member otto = TestMembers.member("dr.otto").holding("provider").create(api, other);
        ApiClient.Response team = api.post(other.path("/care-teams"), other.adminToken(), json("name", "Cardio"));
        assertThat(team.status()).as(team.raw()).isEqualTo(201);

        ApiClient.Response foreign = api.post(clinic.path("/relationships/batch"), clinic.adminToken(), batch(List.of(
                tuple("user", ann.id(), "assigned_provider", "patient", "1", null),
                tuple("user", otto.id(), "assigned_provider", "patient", "1", null),
                tuple("user", ann.id(), "member", "careteam", team.text("/id"), null))));
        assertThat(foreign.status()).as(foreign.raw()).isEqualTo(400);
        Set<String> fields = new HashSet<>();
        foreign.body().path("errors").forEach(error -> fields.add(error.path("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("items[1].subject.id", "items[2].object.id");
        assertThat(relationships(clinic)).isZero();
        assertThat(relationships(other)).isZero();
    }

    @Test
    void writingABatchNeedsThePermissionOfASingleWrite() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        String body = batch(List.of(tuple("user", ann.id(), "assigned_provider", "patient", "123", null)));

        assertThat(api.post(clinic.path("/relationships/batch"), ann.token(), body).status()).isEqualTo(403);
        ApiClient.Response reader = api.post(clinic.path("/api-keys"), clinic.adminToken(),
                json("name", "reader", "scopes", raw("[\"relationships.read\"]")));
        assertThat(api.post(clinic.path("/relationships/batch"), reader.text("/key"), body).status()).isEqualTo(403);
        assertThat(relationships(clinic)).isZero();

        ApiClient.Response key = api.post(clinic.path("/api-keys"), clinic.adminToken(),
                json("name", "EHR", "scopes", raw("[\"relationships.write\"]")));
        ApiClient.Response written = api.post(clinic.path("/relationships/batch"), key.text("/key"), body);
        assertThat(written.status()).as(written.raw()).isEqualTo(200);
        assertThat(relationships(clinic)).isEqualTo(1);
    }
}
