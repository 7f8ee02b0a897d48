package dev.gatehouse.server.compliance;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 16: compliance reports generated in the background. Asking answers 202 with the job at once; the
 * job becomes READY with its report (the same file, audit and checks as a report made at once), or
 * FAILED saying why; a job whose node died (its lease ran out) is taken again, and one that keeps
 * dying is FAILED instead of RUNNING forever.
 */
class ReportJobsIT extends IntegrationTest {

    /** How long a job may take on a loaded build machine before the test gives up waiting: no speed is asserted. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ReportJobRunner runner;

    SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = TestTenants.tenant("clinic").withAdminEmail().create(api, operatorToken());
    }

    private static String today() {
        return LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC).toString();
    }

    /** Reads the job until it is READY or FAILED. */
    private Response finished(String self) throws InterruptedException {
        Instant giveUp = Instant.now().plus(PATIENCE);
        while (true) {
            Response job = api.get(self, clinic.adminToken());
            assertThat(job.status()).as(job.raw()).isEqualTo(200);
            String status = job.text("/status");
            if (status.equals("READY") || status.equals("FAILED") || Instant.now().isAfter(giveUp)) {
                return job;
            }
            Thread.sleep(100);
        }
    }

    private UUID stuckJob(String status, int attempts, Instant leaseUntil) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into compliance_report_jobs (tenant_id, id, type, format, period_from, period_to, status,
                            requested_at, requested_by, requested_by_name, actor, attempts, lease_until)
                        values (:tenant, :id, 'SIGN_IN_SECURITY', 'CSV', current_date, current_date, :status, now(),
                            :admin, 'admin', cast(:actor as jsonb), :attempts, :lease)
                        """)
                .param("tenant", UUID.fromString(clinic.id())).param("id", id).param("status", status)
                .param("admin", UUID.fromString(clinic.adminId()))
                .param("actor", "{\"id\": \"" + clinic.adminId() + "\", \"username\": \"admin\", \"roles\": [\"owner\"],"
                        + " \"impersonatedBy\": null, \"via\": {}}")
                .param("attempts", attempts).param("lease", leaseUntil.atOffset(ZoneOffset.UTC)).update();
        return id;
    }

    @Test
    void aReportAskedForIsAcceptedAtOnceAndBecomesReadyWithItsFileAndItsEvents() throws InterruptedException {
        assertThat(api.post(clinic.path("/audit/events"), clinic.adminToken(), json("action", "PATIENT_RECORD_VIEWED",
                "user", "admin", "resource", raw(json("type", "patient", "id", "p-42")))).status()).isEqualTo(201);

        Response accepted = api.post(clinic.path("/report-jobs"), clinic.adminToken(), json("type", "HIPAA_ACCESS",
                "from", today(), "to", today(), "format", "CSV"));

        assertThat(accepted.status()).as(accepted.raw()).isEqualTo(202);
        String self = accepted.text("/self");
        assertThat(accepted.http().headers().firstValue("Location")).hasValue(self);
        assertThat(accepted.text("/status")).isIn("PENDING", "RUNNING", "READY");
        Response job = finished(self);
        assertThat(job.text("/status")).as(job.raw()).isEqualTo("READY");
        assertThat(job.body().at("/report/rows").asLong()).isEqualTo(1);
        Response file = api.get(job.text("/download"), clinic.adminToken());
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.raw()).contains("p-42");
        assertThat(api.get(clinic.path("/reports"), clinic.adminToken()).body().at("/items/0/id").asString())
                .isEqualTo(job.text("/report/id"));

        String jobId = accepted.text("/id");
        RecordedAudit.Event requested = RecordedAudit.only(jdbc, clinic.id(), "REPORT_REQUESTED");
        assertThat(requested.actor()).isEqualTo("admin");
        assertThat(requested.targetId()).isEqualTo(jobId);
        RecordedAudit.Event generated = RecordedAudit.only(jdbc, clinic.id(), "REPORT_GENERATED");
        assertThat(generated.actor()).as("the person who asked, not the system").isEqualTo("admin");
        assertThat(generated.details().path("job").asString()).isEqualTo(jobId);
        assertThat(generated.targetId()).isEqualTo(job.text("/report/id"));
    }

    @Test
    void badRequestsReadersAndOtherTenantsAreRefusedAndNoJobIsMade() {
        Response bad = api.post(clinic.path("/report-jobs"), clinic.adminToken(), json("type", "HIPAA_ACCESS",
                "from", today()));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text("/errors/0/field")).isEqualTo("to");
        String desk = TestMembers.member("desk").holding("front_desk").create(api, clinic).token();
        assertThat(api.post(clinic.path("/report-jobs"), desk, json("type", "SIGN_IN_SECURITY", "from", today(),
                "to", today())).status()).isEqualTo(403);
        assertThat(jdbc.sql("select count(*) from compliance_report_jobs where tenant_id = :t")
                .param("t", UUID.fromString(clinic.id())).query(Long.class).single()).isZero();

        UUID ours = stuckJob("RUNNING", 1, Instant.now().plus(Duration.ofHours(1)));
        SignedInTenant other = TestTenants.tenant("clinic").create(api, operatorToken());
        assertThat(api.get(other.path("/report-jobs/" + ours), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/report-jobs/" + ours), other.adminToken()).status()).isIn(403, 404);
    }

    @Test
    void aJobWhoseNodeDiedIsTakenAgainAndOneThatKeepsDyingFailsInsteadOfRunningForever()
            throws InterruptedException {
        UUID orphan = stuckJob("RUNNING", 1, Instant.now().minus(Duration.ofMinutes(5)));
        UUID doomed = stuckJob("RUNNING", ReportJobRunner.MAX_ATTEMPTS, Instant.now().minus(Duration.ofMinutes(5)));
        UUID alive = stuckJob("RUNNING", 1, Instant.now().plus(Duration.ofHours(1)));

        runner.sweep();

        Response retaken = finished(clinic.path("/report-jobs/" + orphan));
        assertThat(retaken.text("/status")).as(retaken.raw()).isEqualTo("READY");
        assertThat(retaken.body().at("/attempts").asInt()).isEqualTo(2);
        Response failed = finished(clinic.path("/report-jobs/" + doomed));
        assertThat(failed.text("/status")).isEqualTo("FAILED");
        assertThat(failed.text("/error")).isEqualTo(ReportJobRunner.TOO_MANY_ATTEMPTS);
        assertThat(api.get(clinic.path("/report-jobs/" + alive), clinic.adminToken()).text("/status"))
                .as("a live node's lease is respected").isEqualTo("RUNNING");
    }
}
