package dev.gatehouse.server.compliance;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestTenants;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The compliance reports over a seeded trail of a million events (docs/benchmarks.md, "Compliance
 * reports"). Not part of the suite: its name ends in neither IT nor Test, so it runs only when named,
 * {@code -Dit.test=ComplianceReportBenchmark}; {@code -Dbenchmark.events=} changes the trail's size.
 * Prints one line per report: rows, seconds, peak heap used while generating, file size.
 *
 * <p>The trail is written with one SQL statement per 10,000 events (each within the statement timeout) (the chain's hashes are stand-ins:
 * reports read the trail, they do not verify it), 0.1 s apart from now on, and the clock then moves past
 * the last one. 70 % are applications' record views by 200 people over 50,000 patients, 20 % sign-ins,
 * 5 % failed sign-ins and 5 % role assignments.
 */
class ComplianceReportBenchmark extends IntegrationTest {

    private static final int EVENTS = Integer.getInteger("benchmark.events", 1_000_000);
    private static final int CHUNK = 10_000;

    @Autowired
    TestClock clock;

    @Autowired
    JdbcClient jdbc;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    @Timeout(value = 30, unit = java.util.concurrent.TimeUnit.MINUTES)
    void reportsOverAMillionEvents() {
        SignedInTenant clinic = TestTenants.tenant("clinic").create(api, operatorToken());
        UUID tenant = UUID.fromString(clinic.id());
        long base = jdbc.sql("select last_seq from audit_sequences where tenant_id = :t").param("t", tenant)
                .query(Long.class).single();
        Instant start = clock.instant().plusSeconds(5);
        long seeding = System.nanoTime();
        for (long from = 1; from <= EVENTS; from += CHUNK) {
            seed(tenant, base, start, from, Math.min(EVENTS, from + CHUNK - 1));
        }
        Instant last = start.plusMillis(100L * EVENTS);
        jdbc.sql("""
                        update audit_sequences set last_seq = :last, last_hash = (select hash from audit_events
                            where tenant_id = :t and seq = :last), last_at = :at where tenant_id = :t""")
                .param("t", tenant).param("last", base + EVENTS).param("at", last.atOffset(ZoneOffset.UTC)).update();
        jdbc.sql("analyze audit_events").update();
        System.out.printf("BENCHMARK seeded %,d events in %.1f s%n", EVENTS, (System.nanoTime() - seeding) / 1e9);
        clock.moveAhead(Duration.between(clock.instant(), last).plusMinutes(2));
        String admin = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        LocalDate first = LocalDate.ofInstant(start, ZoneOffset.UTC);
        LocalDate end = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);

        run(clinic, admin, "HIPAA_ACCESS CSV", json("type", "HIPAA_ACCESS", "from", first.toString(), "to",
                end.toString(), "format", "CSV"), EVENTS * 7L / 10);
        run(clinic, admin, "SIGN_IN_SECURITY CSV", json("type", "SIGN_IN_SECURITY", "from", first.toString(), "to",
                end.toString(), "format", "CSV"), EVENTS / 4L);
        run(clinic, admin, "USER_ACCESS CSV", json("type", "USER_ACCESS", "asOf", end.toString(), "format", "CSV"),
                -1);
        run(clinic, admin, "USER_ACCESS PDF", json("type", "USER_ACCESS", "asOf", end.toString(), "format", "PDF"),
                -1);
    }

    private void seed(UUID tenant, long base, Instant start, long from, long through) {
        jdbc.sql("""
                        insert into audit_events (tenant_id, seq, at, action, actor_id, actor_username, actor_roles,
                            target_type, target_id, target_name, ip, user_agent, details, prev_hash, hash)
                        select :t, :base + i, cast(:start as timestamptz) + i * interval '100 milliseconds',
                            case when i % 10 < 7 then 'PATIENT_RECORD_VIEWED'
                                 when i % 10 < 9 then 'LOGIN_SUCCEEDED'
                                 when i % 20 = 9 then 'LOGIN_FAILED' else 'ROLE_ASSIGNED' end,
                            md5('user' || (i % 200))::uuid, 'user' || (i % 200), array['provider'],
                            case when i % 10 < 7 then 'patient' else 'user' end,
                            case when i % 10 < 7 then 'p-' || (i % 50000) else md5('user' || (i % 200))::uuid::text end,
                            null, '10.1.' || (i % 250) || '.' || (i % 199), 'Mozilla/5.0 benchmark',
                            case when i % 10 < 7 then jsonb_build_object('recordedBy',
                                     jsonb_build_object('id', md5('ehr')::uuid, 'username', 'ehr'))
                                 when i % 10 < 9 then jsonb_build_object('method', 'PASSWORD', 'secondFactor', i % 3 = 0)
                                 when i % 20 = 9 then jsonb_build_object('reason', 'BAD_PASSWORD', 'failures', 1)
                                 else jsonb_build_object('assignmentId', md5('a' || i)::uuid, 'role', 'front_desk') end,
                            sha256(int8send(i - 1)), sha256(int8send(i))
                        from generate_series(cast(:from as bigint), cast(:through as bigint)) as i
                        """)
                .param("t", tenant).param("base", base).param("start", start.atOffset(ZoneOffset.UTC))
                .param("from", from).param("through", through).update();
    }

    private void run(SignedInTenant clinic, String admin, String what, String body, long expectedRows) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(before);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long started = System.nanoTime();
        // Over HTTP as a client would, with a timeout long enough for a report of a million events.
        Response created = api.send(clinic.path("/reports"), admin, request -> request.timeout(Duration.ofMinutes(20))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
        double seconds = (System.nanoTime() - started) / 1e9;
        sampler.interrupt();
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        long rows = created.body().at("/rows").asLong();
        if (expectedRows >= 0) {
            // The admin's own sign-ins fall in the period too.
            assertThat(rows).isBetween(expectedRows, expectedRows + 10);
        }
        System.out.printf("BENCHMARK %s: %,d rows in %.1f s, heap before %d MiB, peak %d MiB, max %d MiB,"
                + " file %,d bytes%n", what, rows, seconds, before >> 20, peak.get() >> 20,
                Runtime.getRuntime().maxMemory() >> 20, created.body().at("/size").asLong());
    }
}
