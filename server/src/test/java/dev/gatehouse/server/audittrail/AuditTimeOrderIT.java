package dev.gatehouse.server.audittrail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.audittrail.AuditFixtures.Clinic;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's events are in time order as well as sequence order (V95), so a from/to search walks
 * only the window's sequence numbers; with clocks that disagree, searches stay exact.
 */
class AuditTimeOrderIT extends IntegrationTest {

    @Autowired
    TestClock clock;
    @Autowired
    JdbcClient jdbc;

    private AuditFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new AuditFixtures(api, operatorToken());
    }

    @AfterEach
    void putTheClockBack() {
        clock.reset();
    }

    @Test
    void aClockALittleBehindStampsTheLastEventsTime() {
        Clinic clinic = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");
        clock.moveAhead(Duration.ofSeconds(30));
        JsonNode ahead = event(clinic, record(clinic, doc, "1"));
        clock.reset();

        JsonNode behind = event(clinic, record(clinic, doc, "2"));

        assertThat(at(behind)).isEqualTo(at(ahead));
        assertThat(order(clinic).orderedFrom()).isEqualTo(1);
    }

    @Test
    void aClockFarBehindKeepsTheTrueTimeAndThoseEventsLeaveTheOrderedPart() {
        Clinic clinic = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");
        // Well past the tolerance, short of the session's idle limit.
        clock.moveAhead(Duration.ofMinutes(10));
        JsonNode ahead = event(clinic, record(clinic, doc, "1"));
        clock.reset();

        JsonNode behind = event(clinic, record(clinic, doc, "2"));

        assertThat(at(behind)).isBefore(at(ahead).minus(Duration.ofMinutes(9)));
        assertThat(order(clinic).orderedFrom()).isEqualTo(behind.get("seq").asLong() + 1);
        assertThat(order(clinic).unorderedUntil()).isEqualTo(at(ahead));
        assertWindowsExact(clinic);
    }

    @Test
    void everyWindowFindsExactlyItsEventsWhateverTheClocksDid() {
        Clinic clinic = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");
        // In time order, ties from batches, a clock a little behind, one far behind twice, back in order.
        long[] secondsAhead = {300, 300, 270, 600, 120, 180, 660, 660, 1200};
        for (int i = 0; i < secondsAhead.length; i++) {
            clock.moveAhead(Duration.ofSeconds(secondsAhead[i]));
            Response batch = api.post(clinic.path("/audit/events/batch"), clinic.owner(), json("events",
                    raw("[" + view(doc, "a" + i) + "," + view(doc, "b" + i) + "]")));
            assertThat(batch.status()).as(batch.raw()).isEqualTo(201);
        }
        clock.reset();

        assertThat(order(clinic).orderedFrom()).isGreaterThan(1);
        assertWindowsExact(clinic);
    }

    @Test
    void theMigrationKeepsAnUnorderedHistoryAsSuchAndSearchesStayExact() throws IOException {
        Clinic inOrder = fixtures.clinic();
        Clinic clinic = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");
        // History written before V95 by nodes whose clocks disagreed: straight into the table.
        long last = jdbc.sql("select last_seq from audit_sequences where tenant_id = :tenant")
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single();
        Instant now = Instant.now();
        long[] minutesAgo = {50, 70, 40, 45, 10, 30};
        for (int i = 0; i < minutesAgo.length; i++) {
            jdbc.sql("""
                            insert into audit_events (tenant_id, seq, at, action, actor_username)
                            values (:tenant, :seq, :at, 'PATIENT_RECORD_VIEWED', 'doc')""")
                    .param("tenant", UUID.fromString(clinic.id())).param("seq", last + 1 + i)
                    .param("at", OffsetDateTime.ofInstant(now.minus(Duration.ofMinutes(minutesAgo[i])), ZoneOffset.UTC))
                    .update();
        }
        jdbc.sql("update audit_sequences set last_seq = :last where tenant_id = :tenant")
                .param("last", last + minutesAgo.length).param("tenant", UUID.fromString(clinic.id())).update();

        jdbc.sql(migrationStatement("with history")).update();

        assertThat(order(inOrder).orderedFrom()).isEqualTo(1);
        assertThat(order(inOrder).unorderedUntil()).isNull();
        Order order = order(clinic);
        assertThat(order.orderedFrom()).isEqualTo(last + minutesAgo.length + 1);
        assertThat(order.unorderedUntil()).isEqualTo(at(fixtures.all(clinic).stream()
                .max((a, b) -> at(a).compareTo(at(b))).orElseThrow()));
        record(clinic, doc, "after");
        assertWindowsExact(clinic);
    }

    private Response record(Clinic clinic, String user, String patient) {
        Response recorded = api.post(clinic.path("/audit/events"), clinic.owner(), view(user, patient));
        assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
        return recorded;
    }

    private static String view(String user, String patient) {
        return json("action", "PATIENT_RECORD_VIEWED", "user", user, "resource", raw(json("type", "patient", "id", patient)));
    }

    private JsonNode event(Clinic clinic, Response recorded) {
        long seq = recorded.body().get("seq").asLong();
        return fixtures.all(clinic).stream().filter(e -> e.get("seq").asLong() == seq).findFirst().orElseThrow();
    }

    private static Instant at(JsonNode event) {
        return Instant.parse(event.get("at").asString());
    }

    record Order(long orderedFrom, @Nullable Instant unorderedUntil) {}

    private Order order(Clinic clinic) {
        return jdbc.sql("select ordered_from, unordered_until from audit_sequences where tenant_id = :tenant")
                .param("tenant", UUID.fromString(clinic.id()))
                .query((rs, n) -> {
                    OffsetDateTime until = rs.getObject("unordered_until", OffsetDateTime.class);
                    return new Order(rs.getLong("ordered_from"), until == null ? null : until.toInstant());
                })
                .single();
    }

    /**
     * Every window whose bounds are an event's time, a microsecond either side, or beyond all of
     * them, alone and in pairs, finds exactly the events whose time is inside it.
     */
    private void assertWindowsExact(Clinic clinic) {
        List<JsonNode> all = fixtures.all(clinic);
        assertThat(all).hasSizeLessThan(200);
        TreeSet<Instant> bounds = new TreeSet<>();
        for (JsonNode event : all) {
            bounds.add(at(event));
            bounds.add(at(event).minusNanos(1000));
            bounds.add(at(event).plusNanos(1000));
        }
        bounds.add(bounds.first().minus(Duration.ofDays(1)));
        bounds.add(bounds.last().plus(Duration.ofDays(1)));
        List<Instant> candidates = new ArrayList<>(bounds);
        for (Instant bound : candidates) {
            assertWindow(clinic, all, bound, null);
            assertWindow(clinic, all, null, bound);
        }
        for (int i = 0; i < candidates.size(); i += 2) {
            for (int j = i + 1; j < candidates.size(); j += 3) {
                assertWindow(clinic, all, candidates.get(i), candidates.get(j));
            }
        }
    }

    private void assertWindow(Clinic clinic, List<JsonNode> all, @Nullable Instant from, @Nullable Instant to) {
        List<Long> expected = all.stream()
                .filter(e -> from == null || !at(e).isBefore(from))
                .filter(e -> to == null || at(e).isBefore(to))
                .map(e -> e.get("seq").asLong()).toList();
        List<String> query = new ArrayList<>();
        if (from != null) {
            query.addAll(List.of("from", from.toString()));
        }
        if (to != null) {
            query.addAll(List.of("to", to.toString()));
        }
        List<Long> found = fixtures.all(clinic, query.toArray(String[]::new)).stream()
                .map(e -> e.get("seq").asLong()).toList();
        assertThat(found).as("from %s to %s", from, to).containsExactlyElementsOf(expected);
    }

    /** The statement of migration V95 that begins with {@code start}. */
    private static String migrationStatement(String start) throws IOException {
        try (InputStream in = AuditTimeOrderIT.class.getResourceAsStream("/db/migration/V95__audit_time_order.sql")) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(sql.split(";"))
                    .map(statement -> statement.lines().filter(line -> !line.startsWith("--"))
                            .reduce("", (a, b) -> a + "\n" + b).strip())
                    .filter(statement -> statement.startsWith(start))
                    .findFirst().orElseThrow();
        }
    }
}
