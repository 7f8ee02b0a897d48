package dev.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The alerts' counts over a time window (issue 17): read as a range of sequence numbers, they find
 * exactly the events after the window's start, also when a clock far behind put events out of time
 * order; and the trail's events are written into seven indexes, not ten.
 */
class TrailCountsIT extends IntegrationTest {

    @Autowired
    private AuditLog audit;
    @Autowired
    private TrailCounts counts;
    @Autowired
    private TestClock clock;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TransactionTemplate transactions;

    @AfterEach
    void putTheClockBack() {
        clock.reset();
    }

    @Test
    void everyWindowCountsExactlyItsEventsWhateverTheClocksDid() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
        UUID doctor = UUID.randomUUID();
        String account = UUID.randomUUID().toString();
        AuditLog.Actor dora = new AuditLog.Actor(doctor, "dr.dora", List.of("provider"));
        AuditLog.Actor nobody = new AuditLog.Actor(null, "nurse.nia", List.of());
        // In time order, a clock a little behind (stamped in order), one far behind (out of order), in order again.
        long[] secondsAhead = {0, 300, 600, 570, 900, 120, 960, 1200};
        for (int i = 0; i < secondsAhead.length; i++) {
            clock.moveAhead(Duration.ofSeconds(secondsAhead[i]));
            String patient = "p" + (i % 5);
            transactions.executeWithoutResult(status -> audit.recordAll(tenant, List.of(
                    new AuditLog.Entry("LOGIN_FAILED", nobody, new AuditLog.Target("user", account, "nurse.nia"),
                            "127.0.0.1", null, Map.of()),
                    new AuditLog.Entry("PATIENT_RECORD_VIEWED", dora, new AuditLog.Target("patient", patient, null),
                            "127.0.0.1", null, Map.of("recordedBy", "ehr")))));
        }
        clock.reset();
        assertThat(jdbc.sql("select ordered_from from audit_sequences where tenant_id = :tenant")
                .param("tenant", tenant.value()).query(Long.class).single())
                .as("the clock far behind left the part of the trail in time order").isGreaterThan(1);

        record Stored(Instant at, String action, String target) {}
        List<Stored> stored = jdbc.sql("""
                        select at, action, target_id from audit_events
                        where tenant_id = :tenant and action in ('LOGIN_FAILED', 'PATIENT_RECORD_VIEWED')""")
                .param("tenant", tenant.value())
                .query((rs, n) -> new Stored(rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("action"),
                        rs.getString("target_id")))
                .list();
        TreeSet<Instant> windows = new TreeSet<>();
        stored.forEach(event -> windows.addAll(List.of(event.at().minusMillis(1), event.at(), event.at().plusMillis(1))));
        for (Instant since : windows) {
            long failed = stored.stream()
                    .filter(event -> event.action().equals("LOGIN_FAILED") && event.at().isAfter(since)).count();
            long touched = stored.stream()
                    .filter(event -> event.action().equals("PATIENT_RECORD_VIEWED") && event.at().isAfter(since))
                    .map(Stored::target).distinct().count();
            assertThat(counts.failedSignIns(tenant, since)).as("the tenant's failed sign-ins after " + since)
                    .isEqualTo(failed);
            assertThat(counts.failedSignIns(tenant, account, since)).as("the account's after " + since)
                    .isEqualTo(failed);
            assertThat(counts.failedSignIns(tenant, UUID.randomUUID().toString(), since)).isZero();
            assertThat(counts.recordsTouched(tenant, doctor, List.of("PATIENT_RECORD_VIEWED"), since, 100))
                    .as("records touched after " + since).isEqualTo(touched);
            assertThat(counts.recordsTouched(tenant, doctor, List.of("PATIENT_RECORD_VIEWED"), since, 2))
                    .as("counted up to the threshold").isEqualTo(Math.min(touched, 2));
        }
    }

    @Test
    void theTrailsEventsAreWrittenIntoSevenIndexes() {
        assertThat(jdbc.sql("""
                        select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid
                        where i.indrelid = 'audit_events'::regclass""")
                .query(String.class).list())
                .containsExactlyInAnyOrder("audit_events_pkey", "audit_by_action", "audit_by_actor", "audit_by_actor_name",
                        "audit_by_target", "audit_by_ip", "audit_by_at_seq");
    }
}
