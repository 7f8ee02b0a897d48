package dev.gatehouse.server.compliance;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16: a monthly schedule's report is a background job. The run makes one job for the schedule's
 * month (whichever node runs and however often), the job is generated like any report job, and its mail
 * is queued in the outbox when the job is READY, with the report and its event; a job whose node died is
 * swept and mailed once, and one that keeps dying is FAILED, listed and recorded {@code REPORT_FAILED}.
 * Mail is read from the outbox, where it waits for the worker (no SMTP server is configured here).
 */
class ScheduledReportsIT extends IntegrationTest {

    /** How long a job may take on a loaded build machine before the test gives up waiting: no speed is asserted. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Autowired
    TestClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MonthlyReports monthly;

    @Autowired
    ReportJobRunner runner;

    @Autowired
    ReportJobStore jobs;

    SignedInTenant clinic;
    UUID tenant;

    @BeforeEach
    void clinic() {
        clinic = TestTenants.tenant("clinic").withAdminEmail().create(api, operatorToken());
        tenant = UUID.fromString(clinic.id());
    }

    /** The clock back, and this test's schedules gone: another class moving the clock must not find them due. */
    @AfterEach
    void resetClockAndSchedules() {
        clock.reset();
        jdbc.sql("delete from compliance_schedules where tenant_id = :tenant").param("tenant", tenant).update();
    }

    /** Waits until the schedule's one job is READY or FAILED; answers its status. */
    static String finished(JdbcClient jdbc, UUID tenant, UUID schedule) throws InterruptedException {
        Instant giveUp = Instant.now().plus(PATIENCE);
        while (true) {
            List<String> statuses = jdbc.sql("""
                            select status from compliance_report_jobs where tenant_id = :tenant and schedule_id = :schedule
                            """).param("tenant", tenant).param("schedule", schedule).query(String.class).list();
            assertThat(statuses).as("one job for the schedule's month").hasSize(1);
            String status = statuses.getFirst();
            if (status.equals("READY") || status.equals("FAILED") || Instant.now().isAfter(giveUp)) {
                return status;
            }
            Thread.sleep(100);
        }
    }

    private Response finishedJob(String token, UUID job) throws InterruptedException {
        Instant giveUp = Instant.now().plus(PATIENCE);
        while (true) {
            Response read = api.get(clinic.path("/report-jobs/" + job), token);
            assertThat(read.status()).as(read.raw()).isEqualTo(200);
            String status = read.text("/status");
            if (status.equals("READY") || status.equals("FAILED") || Instant.now().isAfter(giveUp)) {
                return read;
            }
            Thread.sleep(100);
        }
    }

    private UUID schedule() {
        Response created = api.post(clinic.path("/report-schedules"), clinic.adminToken(), json("type",
                "SIGN_IN_SECURITY", "format", "CSV", "dayOfMonth", 1, "recipients", raw("[\"admin\"]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return UUID.fromString(created.text("/id"));
    }

    /** The first day of the month before the clock's. */
    private LocalDate lastMonth() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).withDayOfMonth(1).minusMonths(1);
    }

    /** Moves the clock into the next month, when the month now running is due. */
    private void nextMonth() {
        LocalDate now = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate firstOfNext = now.withDayOfMonth(1).plusMonths(1);
        clock.moveAhead(Duration.between(now.atStartOfDay(), firstOfNext.atStartOfDay()).plusHours(1));
    }

    private List<String> mailsNaming(String reportId) {
        return mailsSaying(reportId).stream().map(QueuedMail.Message::recipient).toList();
    }

    /** The tenant's queued messages whose body says {@code text}. */
    private List<QueuedMail.Message> mailsSaying(String text) {
        return QueuedMail.in(context).where("tenant_id = :tenant", Map.of("tenant", tenant)).stream()
                .filter(mail -> mail.body() != null && mail.body().contains(text)).toList();
    }

    private long jobsOf(UUID schedule) {
        return jdbc.sql("select count(*) from compliance_report_jobs where tenant_id = :tenant and schedule_id = :s")
                .param("tenant", tenant).param("s", schedule).query(Long.class).single();
    }

    private long reportsOf(UUID schedule) {
        return jdbc.sql("select count(*) from compliance_reports where tenant_id = :tenant and schedule_id = :s")
                .param("tenant", tenant).param("s", schedule).query(Long.class).single();
    }

    /** A schedule's job as a node left it when it died while generating: RUNNING, its lease over. */
    private UUID orphanedJob(UUID schedule, LocalDate month, int attempts) {
        return runningJob(schedule, month, attempts, Instant.now().minus(Duration.ofMinutes(5)));
    }

    private UUID runningJob(UUID schedule, LocalDate month, int attempts, Instant leaseUntil) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into compliance_report_jobs (tenant_id, id, type, format, period_from, period_to, status,
                            requested_at, requested_by_name, actor, attempts, lease_until, schedule_id, schedule_period)
                        values (:tenant, :id, 'SIGN_IN_SECURITY', 'CSV', :from, :to, 'RUNNING', now(), :name,
                            cast(:actor as jsonb), :attempts, :lease, :schedule, :from)
                        """)
                .param("tenant", tenant).param("id", id).param("from", month)
                .param("to", month.plusMonths(1).minusDays(1)).param("name", "monthly schedule " + schedule)
                .param("actor", "{\"id\": null, \"username\": \"system\", \"roles\": [], \"impersonatedBy\": null,"
                        + " \"via\": {}}")
                .param("attempts", attempts).param("lease", leaseUntil.atOffset(ZoneOffset.UTC))
                .param("schedule", schedule).update();
        return id;
    }

    @Test
    void aScheduleRunMakesAJobAndTheReportIsMailedWhenTheJobIsReady() throws InterruptedException {
        UUID schedule = schedule();
        nextMonth();

        assertThat(monthly.enqueueDue()).isPositive();

        assertThat(finished(jdbc, tenant, schedule)).isEqualTo("READY");
        String admin = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        JsonNode job = api.get(clinic.path("/report-jobs"), admin).body().at("/0");
        assertThat(job.at("/status").asString()).isEqualTo("READY");
        assertThat(job.at("/requestedBy").asString()).isEqualTo("monthly schedule " + schedule);
        String report = job.at("/report/id").asString();
        LocalDate month = lastMonth();
        assertThat(job.at("/from").asString()).isEqualTo(month.toString());
        assertThat(job.at("/report/scheduleId").asString()).isEqualTo(schedule.toString());
        assertThat(mailsNaming(report)).containsExactly("admin@" + clinic.slug() + ".example");

        RecordedAudit.Event requested = RecordedAudit.only(jdbc, clinic.id(), "REPORT_REQUESTED");
        assertThat(requested.actor()).isEqualTo("system");
        assertThat(requested.targetId()).isEqualTo(job.at("/id").asString());
        assertThat(requested.details().path("schedule").asString()).isEqualTo(schedule.toString());
        RecordedAudit.Event generated = RecordedAudit.only(jdbc, clinic.id(), "REPORT_GENERATED");
        assertThat(generated.actor()).isEqualTo("system");
        assertThat(generated.targetId()).isEqualTo(report);
        assertThat(generated.details().path("job").asString()).isEqualTo(job.at("/id").asString());
        assertThat(generated.details().path("recipients").asInt()).isEqualTo(1);
    }

    @Test
    void twoNodesRunningTheSchedulesAtOnceMakeOneJobAndAMonthIsNeverGeneratedTwice() throws Exception {
        UUID schedule = schedule();
        nextMonth();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> runs = new ArrayList<>();
        try (ExecutorService nodes = Executors.newFixedThreadPool(2)) {
            for (int node = 0; node < 2; node++) {
                runs.add(nodes.submit(() -> {
                    start.await();
                    return monthly.enqueueDue();
                }));
            }
            start.countDown();
            for (Future<Integer> run : runs) {
                run.get();
            }
        }

        assertThat(jobsOf(schedule)).isEqualTo(1);
        assertThat(finished(jdbc, tenant, schedule)).isEqualTo("READY");
        // A run that found the month due although its job exists (its mark lost, or read before the other's commit).
        jdbc.sql("update compliance_schedules set last_period = null where tenant_id = :tenant and id = :id")
                .param("tenant", tenant).param("id", schedule).update();
        monthly.enqueueDue();
        assertThat(jobsOf(schedule)).isEqualTo(1);
        runner.sweep();
        assertThat(finished(jdbc, tenant, schedule)).isEqualTo("READY");
        assertThat(reportsOf(schedule)).isEqualTo(1);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "REPORT_REQUESTED")).hasSize(1);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "REPORT_GENERATED")).hasSize(1);
        assertThat(mailsSaying("monthly report")).hasSize(1);
    }

    @Test
    void aScheduledJobWhoseNodeDiedIsSweptAndMailedOnceAndOneThatKeepsDyingIsListedFailedAndAudited()
            throws InterruptedException {
        UUID schedule = schedule();
        LocalDate lastMonth = lastMonth();
        UUID orphan = orphanedJob(schedule, lastMonth, 1);
        UUID doomed = orphanedJob(schedule, lastMonth.minusMonths(1), ReportJobRunner.MAX_ATTEMPTS);

        runner.sweep();

        Response retaken = finishedJob(clinic.adminToken(), orphan);
        assertThat(retaken.text("/status")).as(retaken.raw()).isEqualTo("READY");
        assertThat(retaken.body().at("/attempts").asInt()).isEqualTo(2);
        String report = retaken.text("/report/id");
        assertThat(retaken.body().at("/report/scheduleId").asString()).isEqualTo(schedule.toString());
        assertThat(mailsNaming(report)).containsExactly("admin@" + clinic.slug() + ".example");

        Response failed = finishedJob(clinic.adminToken(), doomed);
        assertThat(failed.text("/status")).isEqualTo("FAILED");
        assertThat(failed.text("/error")).isEqualTo(ReportJobRunner.TOO_MANY_ATTEMPTS);
        JsonNode listed = api.get(clinic.path("/report-jobs"), clinic.adminToken()).body();
        assertThat(listed.findValuesAsString("status")).contains("FAILED", "READY");
        assertThat(listed.findValuesAsString("id")).contains(doomed.toString(), orphan.toString());
        RecordedAudit.Event recorded = RecordedAudit.only(jdbc, clinic.id(), "REPORT_FAILED");
        assertThat(recorded.actor()).isEqualTo("system");
        assertThat(recorded.targetId()).isEqualTo(doomed.toString());
        assertThat(recorded.details().path("error").asString()).isEqualTo(ReportJobRunner.TOO_MANY_ATTEMPTS);
        assertThat(recorded.details().path("schedule").asString()).isEqualTo(schedule.toString());
        assertThat(recorded.details().path("attempts").asInt()).isEqualTo(ReportJobRunner.MAX_ATTEMPTS + 1);

        runner.sweep();
        assertThat(finishedJob(clinic.adminToken(), orphan).text("/status")).isEqualTo("READY");
        assertThat(mailsNaming(report)).as("a READY job is never sent again").hasSize(1);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "REPORT_GENERATED")).hasSize(1);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "REPORT_FAILED")).hasSize(1);
    }

    @Test
    void aJobOfAnOrganisationSuspendedBeforeItRanMakesAndSendsNothingAndIsFailedAndAudited()
            throws InterruptedException {
        UUID schedule = schedule();
        LocalDate lastMonth = lastMonth();
        UUID job = orphanedJob(schedule, lastMonth, 1);
        Response suspended = api.patch("/api/v1/tenants/" + clinic.slug(), operatorToken(),
                json("status", "SUSPENDED", "reason", "the branch closes"));
        assertThat(suspended.status()).as(suspended.raw()).isEqualTo(200);

        runner.sweep();

        assertThat(finished(jdbc, tenant, schedule)).isEqualTo("FAILED");
        assertThat(jdbc.sql("select error from compliance_report_jobs where tenant_id = :tenant and id = :id")
                .param("tenant", tenant).param("id", job).query(String.class).single())
                .isEqualTo(ReportJobRunner.SUSPENDED);
        assertThat(reportsOf(schedule)).isZero();
        assertThat(mailsSaying("report")).isEmpty();
        RecordedAudit.Event recorded = RecordedAudit.only(jdbc, clinic.id(), "REPORT_FAILED");
        assertThat(recorded.targetId()).isEqualTo(job.toString());
        assertThat(recorded.details().path("error").asString()).isEqualTo(ReportJobRunner.SUSPENDED);
    }

    @Test
    void aSlowNodeWhoseLeaseRanOutAndWhoseJobAnotherNodeTookCanNeitherFinishNorFailIt() {
        UUID schedule = schedule();
        LocalDate lastMonth = lastMonth();
        // Claim 1 was the slow node's; the sweep of another node took the job since (claim 2, its lease alive).
        UUID job = runningJob(schedule, lastMonth, 2, Instant.now().plus(Duration.ofHours(1)));

        assertThat(jobs.ready(new TenantId(tenant), job, 1, UUID.randomUUID(), Instant.now())).isFalse();
        assertThat(jobs.failed(new TenantId(tenant), job, 1, "late", Instant.now())).isFalse();
        assertThat(jobs.find(new TenantId(tenant), job).orElseThrow().status()).isEqualTo("RUNNING");
        assertThat(jobs.ready(new TenantId(tenant), job, 2, UUID.randomUUID(), Instant.now())).isTrue();
        assertThat(jobs.failed(new TenantId(tenant), job, 2, "late", Instant.now())).as("a READY job stays READY")
                .isFalse();
    }
}
