package dev.gatehouse.server.compliance;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Compliance reports over HTTP (issue 16) against trails seeded with known answers: the HIPAA access
 * report's rows and emergency flags, the user-access report as of dates either side of a revoke, the
 * sign-in report's counts, CSV and PDF, the audited generation and download, monthly schedules with
 * the {@link TestClock}, and the attacker's cases (another tenant's ids, a lower role, a recipient
 * who is not a reader).
 */
class ComplianceReportsIT extends IntegrationTest {

    @Autowired
    TestClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog audit;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    MonthlyReports monthly;

    SignedInTenant clinic;
    TestMembers.Member doctor;
    TestMembers.Member desk;

    @BeforeEach
    void clinic() {
        clinic = TestTenants.tenant("clinic").withAdminEmail().create(api, operatorToken());
        doctor = TestMembers.member("doctor").holding("provider").create(api, clinic);
        desk = TestMembers.member("desk").holding("front_desk").create(api, clinic);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static String today() {
        return LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC).toString();
    }

    private String today(TestClock clock) {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
    }

    private Response generate(String token, Object... body) {
        return api.post(clinic.path("/reports"), token, json(body));
    }

    private String download(String token, String id) {
        Response file = api.get(clinic.path("/reports/" + id), token);
        assertThat(file.status()).as(file.raw()).isEqualTo(200);
        return file.raw();
    }

    /** The CSV's data rows (after the header block, the empty line and the column names), as cell lists. */
    private static List<List<String>> rows(String csv) {
        String[] lines = csv.split("\r\n", -1);
        int i = 0;
        while (!lines[i].isEmpty()) {
            i++;
        }
        List<List<String>> rows = new ArrayList<>();
        for (int j = i + 2; j < lines.length; j++) {
            if (!lines[j].isEmpty()) {
                rows.add(List.of(lines[j].split(",", -1)));
            }
        }
        return rows;
    }

    /** The CSV's header block as label → value. */
    private static Map<String, String> header(String csv) {
        Map<String, String> header = new LinkedHashMap<>();
        for (String line : csv.split("\r\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            int comma = line.indexOf(',');
            header.put(line.substring(0, comma), line.substring(comma + 1));
        }
        return header;
    }

    private void accessed(String user, String patient) {
        Response recorded = api.post(clinic.path("/audit/events"), clinic.adminToken(), json("action",
                "PATIENT_RECORD_VIEWED", "user", user, "resource", raw(json("type", "patient", "id", patient))));
        assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
    }

    /** A clinical break-glass as emergencyaccess records it, straight into the trail. */
    private void brokeGlass(TestMembers.Member who, String patient) {
        transactions.executeWithoutResult(status -> audit.record(new TenantId(UUID.fromString(clinic.id())),
                "BREAK_GLASS", new AuditLog.Actor(UUID.fromString(who.id()), who.username(), List.of("provider")),
                new AuditLog.Target("patient", patient, null), "10.0.0.9", null,
                Map.of("kind", "clinical", "resource", "patient:" + patient, "reason", "unconscious in the ER",
                        "expiresAt", clock.instant().plus(Duration.ofHours(1)).toString())));
    }

    @Test
    void theHipaaReportListsEveryRecordAccessOfThePeriodAndFlagsThoseUnderEmergencyAccess() throws Exception {
        accessed("doctor", "p-1");
        accessed("desk", "p-2");
        brokeGlass(doctor, "p-3");
        accessed("doctor", "p-3");

        Response created = generate(clinic.adminToken(), "type", "HIPAA_ACCESS", "from", today(), "to", today(),
                "format", "CSV");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.body().at("/rows").asLong()).as("three accesses and one emergency opening").isEqualTo(4);
        String csv = download(clinic.adminToken(), created.text("/id"));
        List<List<String>> rows = rows(csv);
        assertThat(rows).extracting(row -> row.get(1) + " " + row.get(4) + " " + row.get(6) + " " + row.get(9))
                .containsExactly("doctor PATIENT_RECORD_VIEWED p-1 no", "desk PATIENT_RECORD_VIEWED p-2 no",
                        "doctor BREAK_GLASS p-3 opened", "doctor PATIENT_RECORD_VIEWED p-3 yes");
        assertThat(rows.get(3).get(10)).isEqualTo("unconscious in the ER");
        assertThat(rows.get(0).get(11)).as("the application that recorded it").isEqualTo(SignedInTenant.ADMIN);
        Map<String, String> header = header(csv);
        assertThat(header).containsEntry("accesses", "3").containsEntry("accessesUnderEmergencyAccess", "1")
                .containsEntry("emergencyAccessesOpened", "1").containsEntry("users", "2")
                .containsEntry("organisation", "Tenant " + clinic.slug() + " (" + clinic.slug() + ")");
        long through = Long.parseLong(header.get("audit trail read through event"));
        String hash = jdbc.sql("select encode(hash, 'hex') from audit_events where tenant_id = :t and seq = :s")
                .param("t", UUID.fromString(clinic.id())).param("s", through).query(String.class).single();
        assertThat(header.get("hash of that event (SHA-256 chain)")).as("the chain position is the trail's")
                .isEqualTo(hash);
        assertThat(created.body().at("/sha256").asString()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(csv.getBytes(StandardCharsets.UTF_8))));

        JsonNode event = jdbc.sql("""
                        select details::text from audit_events where tenant_id = :t and action = 'REPORT_GENERATED'""")
                .param("t", UUID.fromString(clinic.id())).query((rs, n) -> tools.jackson.databind.json.JsonMapper
                        .builder().build().readTree(rs.getString(1))).single();
        assertThat(event.at("/rows").asLong()).isEqualTo(4);
        assertThat(event.at("/sha256").asString()).isEqualTo(created.text("/sha256"));
        assertThat(event.at("/type").asString()).isEqualTo("HIPAA_ACCESS");
        assertThat(jdbc.sql("select count(*) from audit_events where tenant_id = :t and action = 'REPORT_DOWNLOADED'")
                .param("t", UUID.fromString(clinic.id())).query(Long.class).single()).isEqualTo(1);

        Response yesterday = generate(clinic.adminToken(), "type", "HIPAA_ACCESS", "from",
                LocalDate.parse(today()).minusDays(1).toString(), "to", LocalDate.parse(today()).minusDays(1).toString());
        assertThat(yesterday.body().at("/rows").asLong()).as("nothing happened yesterday").isZero();

        Response pdf = generate(clinic.adminToken(), "type", "HIPAA_ACCESS", "from", today(), "to", today(),
                "format", "PDF");
        assertThat(pdf.status()).as(pdf.raw()).isEqualTo(201);
        Response file = api.get(clinic.path("/reports/" + pdf.text("/id")), clinic.adminToken());
        assertThat(file.http().headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        assertThat(file.raw()).startsWith("%PDF-");
        assertThat(api.get(clinic.path("/reports"), clinic.adminToken()).body().at("/total").asLong()).isEqualTo(3);
    }

    @Test
    void theUserAccessReportShowsWhoHeldWhatOnEachDateAcrossARevokeAndMatchesTodaysAssignments() {
        LocalDate assignedOn = LocalDate.parse(today(clock));
        TestMembers.Member nurse = TestMembers.member("nurse").holding("billing").create(api, clinic);
        clock.moveAhead(Duration.ofDays(2));
        String admin = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        JsonNode held = api.get(clinic.path("/users/" + nurse.id() + "/roles"), admin).body();
        JsonNode list = held.isArray() ? held : held.at("/items");
        String assignment = list.get(0).at("/id").asString();
        Response revoked = api.delete(clinic.path("/users/" + nurse.id() + "/roles/" + assignment), admin);
        assertThat(revoked.status()).as(revoked.raw()).isEqualTo(204);
        clock.moveAhead(Duration.ofDays(4));
        admin = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        Response before = api.post(clinic.path("/reports"), admin, json("type", "USER_ACCESS", "asOf",
                assignedOn.plusDays(1).toString()));
        assertThat(before.status()).as(before.raw()).isEqualTo(201);
        List<List<String>> rowsBefore = rows(download(admin, before.text("/id")));
        assertThat(rowsBefore).extracting(row -> row.get(0) + ":" + row.get(2))
                .containsExactlyInAnyOrder("admin:owner", "desk:front_desk", "doctor:provider", "nurse:billing");

        Response after = api.post(clinic.path("/reports"), admin, json("type", "USER_ACCESS", "asOf",
                assignedOn.plusDays(3).toString()));
        assertThat(after.status()).as(after.raw()).isEqualTo(201);
        assertThat(rows(download(admin, after.text("/id")))).extracting(row -> row.get(0) + ":" + row.get(2))
                .containsExactlyInAnyOrder("admin:owner", "desk:front_desk", "doctor:provider");

        Response now = api.post(clinic.path("/reports"), admin, json("type", "USER_ACCESS", "asOf", today(clock)));
        assertThat(now.status()).as(now.raw()).isEqualTo(201);
        String csv = download(admin, now.text("/id"));
        assertThat(header(csv)).containsEntry("differencesFromCurrentState", "0").containsEntry("assignments", "3");
        assertThat(rows(csv)).allSatisfy(row -> assertThat(row.get(8)).isEqualTo("matches"));

        Response before2 = api.post(clinic.path("/reports"), admin, json("type", "USER_ACCESS", "asOf",
                assignedOn.minusDays(1).toString()));
        assertThat(before2.body().at("/rows").asLong()).as("before the tenant existed nobody held anything").isZero();
    }

    @Test
    void theSignInReportCountsSignInsFailuresAndLockoutsOfThePeriod() {
        for (int i = 0; i < 2; i++) {
            Response failed = api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", "desk",
                    "password", "not the password " + i));
            assertThat(failed.status()).isEqualTo(401);
        }
        desk.signIn();
        Response created = generate(clinic.adminToken(), "type", "SIGN_IN_SECURITY", "from", today(), "to", today());
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String csv = download(clinic.adminToken(), created.text("/id"));
        Map<String, String> header = header(csv);
        assertThat(header).containsEntry("failures", "2").containsEntry("lockouts", "0");
        List<List<String>> desks = rows(csv).stream().filter(row -> row.get(2).equals("desk")).toList();
        assertThat(desks).extracting(row -> row.get(1)).containsSubsequence("sign-in failed", "sign-in failed",
                "signed in");
        long signIns = rows(csv).stream().filter(row -> row.get(1).equals("signed in")).count();
        assertThat(header.get("signIns")).isEqualTo(Long.toString(signIns));
        assertThat(signIns).as("admin, doctor and desk twice: first sign-ins and desk's").isGreaterThanOrEqualTo(4);
    }

    @Test
    void badRequestsNameTheFieldAndWriteNothing() {
        Response noType = generate(clinic.adminToken(), "from", today(), "to", today());
        assertThat(noType.status()).isEqualTo(400);
        assertThat(noType.raw()).contains("\"type\"");
        Response backwards = generate(clinic.adminToken(), "type", "SIGN_IN_SECURITY", "from", today(), "to",
                LocalDate.parse(today()).minusDays(3).toString());
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.raw()).contains("\"to\"");
        Response future = generate(clinic.adminToken(), "type", "USER_ACCESS", "asOf",
                LocalDate.parse(today()).plusDays(3).toString());
        assertThat(future.status()).isEqualTo(400);
        assertThat(future.raw()).contains("\"asOf\"");
        Response format = generate(clinic.adminToken(), "type", "USER_ACCESS", "asOf", today(), "format", "XLSX");
        assertThat(format.status()).isEqualTo(400);
        Response unknown = generate(clinic.adminToken(), "type", "USER_ACCESS", "asOf", today(), "recipient", "x");
        assertThat(unknown.status()).as("unknown fields are refused").isEqualTo(400);
        assertThat(api.get(clinic.path("/reports"), clinic.adminToken()).body().at("/total").asLong()).isZero();
    }

    @Test
    void aLowerRoleIsRefusedAndAnotherTenantsReportsAreNotFound() {
        Response mine = generate(clinic.adminToken(), "type", "USER_ACCESS", "asOf", today());
        String id = mine.text("/id");
        assertThat(generate(desk.token(), "type", "USER_ACCESS", "asOf", today()).status()).isEqualTo(403);
        assertThat(api.get(clinic.path("/reports"), desk.token()).status()).isEqualTo(403);
        assertThat(api.get(clinic.path("/reports/" + id), desk.token()).status()).isEqualTo(403);
        assertThat(api.get(clinic.path("/report-schedules"), desk.token()).status()).isEqualTo(403);

        SignedInTenant other = TestTenants.tenant("clinic").create(api, operatorToken());
        assertThat(api.get(clinic.path("/reports/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(other.path("/reports/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/reports"), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/reports/not-an-id"), clinic.adminToken()).status()).isEqualTo(404);
    }

    @Test
    void aScheduleMailsItsReadersASignInLinkToLastMonthsReportOnceAndRefusesOtherRecipients() throws InterruptedException {
        Response nonMember = api.post(clinic.path("/report-schedules"), clinic.adminToken(), json("type",
                "HIPAA_ACCESS", "format", "PDF", "dayOfMonth", 1, "recipients", raw("[\"nobody@elsewhere.example\"]")));
        assertThat(nonMember.status()).isEqualTo(400);
        assertThat(nonMember.raw()).contains("recipients[0]");
        Response notReader = api.post(clinic.path("/report-schedules"), clinic.adminToken(), json("type",
                "HIPAA_ACCESS", "dayOfMonth", 1, "recipients", raw("[\"desk\"]")));
        assertThat(notReader.status()).as("desk may not read reports").isEqualTo(400);
        assertThat(notReader.raw()).contains("recipients[0]");
        SignedInTenant other = TestTenants.tenant("clinic").create(api, operatorToken());
        Response otherTenants = api.post(clinic.path("/report-schedules"), clinic.adminToken(), json("type",
                "HIPAA_ACCESS", "dayOfMonth", 1, "recipients", raw("[\"" + other.adminId() + "\"]")));
        assertThat(otherTenants.status()).as("another tenant's admin is no user here").isEqualTo(400);
        assertThat(api.post(clinic.path("/report-schedules"), desk.token(), json("type", "HIPAA_ACCESS",
                "dayOfMonth", 1, "recipients", raw("[\"admin\"]"))).status()).isEqualTo(403);

        accessed("doctor", "p-secret-42");
        Response created = api.post(clinic.path("/report-schedules"), clinic.adminToken(), json("type",
                "HIPAA_ACCESS", "format", "CSV", "dayOfMonth", 1, "recipients", raw("[\"admin\"]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String schedule = created.text("/id");
        assertThat(api.get(other.path("/report-schedules/" + schedule), other.adminToken()).status()).isEqualTo(404);
        assertThat(monthly.enqueueDue()).as("this month's run is next month").isZero();

        LocalDate now = LocalDate.parse(today(clock));
        LocalDate firstOfNext = now.withDayOfMonth(1).plusMonths(1);
        clock.moveAhead(Duration.between(now.atStartOfDay(), firstOfNext.atStartOfDay()).plusHours(1));
        assertThat(monthly.enqueueDue()).isEqualTo(1);
        assertThat(monthly.enqueueDue()).as("a month is generated once").isZero();
        UUID tenant = UUID.fromString(clinic.id());
        assertThat(ScheduledReportsIT.finished(jdbc, tenant, UUID.fromString(schedule))).isEqualTo("READY");

        List<QueuedMail.Message> mails = QueuedMail.in(context).where("tenant_id = :t and subject like '%report%'",
                Map.of("t", tenant));
        assertThat(mails).hasSize(1);
        assertThat(mails.getFirst().recipient()).isEqualTo("admin@" + clinic.slug() + ".example");
        assertThat(mails.getFirst().body()).contains("/console/reports/").doesNotContain("p-secret-42");
        String admin = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        JsonNode report = api.get(clinic.path("/reports"), admin).body().at("/items/0");
        assertThat(report.at("/scheduleId").asString()).isEqualTo(schedule);
        assertThat(report.at("/from").asString()).isEqualTo(now.withDayOfMonth(1).toString());
        assertThat(report.at("/rows").asLong()).isEqualTo(1);
        assertThat(mails.getFirst().body()).contains(report.at("/id").asString());

        Response changed = api.put(clinic.path("/report-schedules/" + schedule), admin, json("type", "HIPAA_ACCESS",
                "format", "PDF", "dayOfMonth", 2, "recipients", raw("[\"admin\"]")));
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
        assertThat(changed.text("/format")).isEqualTo("PDF");
        assertThat(api.delete(clinic.path("/report-schedules/" + schedule), admin).status()).isEqualTo(204);
        assertThat(api.get(clinic.path("/report-schedules"), admin).body().size()).isZero();
        assertThat(jdbc.sql("""
                        select action from audit_events where tenant_id = :t and action like 'REPORT_SCHEDULE_%' order by seq
                        """).param("t", tenant).query(String.class).list())
                .containsExactly("REPORT_SCHEDULE_CREATED", "REPORT_SCHEDULE_UPDATED", "REPORT_SCHEDULE_DELETED");
    }
}
