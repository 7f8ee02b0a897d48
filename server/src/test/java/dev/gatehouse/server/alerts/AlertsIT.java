package dev.gatehouse.server.alerts;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestDns;
import dev.gatehouse.server.testing.TestMembers;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 5's alert rules over the shared context: each fires once at its threshold and not below
 * it, a window alerts once, a rolled-back change alerts never, an alert is itself audited and
 * raises no other, and the rules API is guarded, validated and per tenant. Counting windows are a
 * day long here, so no test straddles a window boundary.
 */
class AlertsIT extends IntegrationTest {

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private AuditLog audit;
    @Autowired
    private TransactionTemplate transactions;
    @Autowired
    private AlertEvaluator evaluator;

    private AlertFixtures fixtures;
    private SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        fixtures = new AlertFixtures(api, jdbc, port(), evaluator);
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @Test
    void failedSignInsForOneAccountAlertOnceAtTheThreshold() {
        fixtures.rules(clinic, """
                {"failedSignInsPerAccount": {"count": 3, "minutes": 1440}, "failedSignInsPerTenant": {"enabled": false}}""");
        String nurse = fixtures.user(clinic, "nurse.nia", "front_desk");

        fixtures.failSignIn(clinic, "nurse.nia");
        fixtures.failSignIn(clinic, "nurse.nia");
        assertThat(fixtures.raised(clinic)).isEmpty();

        fixtures.failSignIn(clinic, "nurse.nia");
        assertThat(fixtures.raised(clinic)).containsExactly("failedSignInsPerAccount");
        fixtures.failSignIn(clinic, "nurse.nia");

        assertThat(fixtures.raised(clinic)).containsExactly("failedSignInsPerAccount");
        List<RecordedAudit.Event> alerts = RecordedAudit.of(jdbc, clinic.id(), "ALERT_RAISED");
        assertThat(alerts).hasSize(1);
        RecordedAudit.Event alert = alerts.getFirst();
        assertThat(alert.actor()).isEqualTo("system");
        assertThat(alert.details().get("rule").asString()).isEqualTo("failedSignInsPerAccount");
        assertThat(alert.details().get("subject").asString()).isEqualTo("user:" + nurse);
        assertThat(alert.details().get("count").asInt()).isEqualTo(3);
        assertThat(alert.details().get("threshold").asInt()).isEqualTo(3);
        assertThat(alert.details().get("minutes").asInt()).isEqualTo(1440);
        assertThat(alert.details().at("/event/action").asString()).isEqualTo("LOGIN_FAILED");
        assertThat(alert.details().at("/event/ip").asString()).isEqualTo("127.0.0.1");
    }

    @Test
    void failedSignInsAcrossTheTenantAlertOnceAtTheThreshold() {
        fixtures.rules(clinic, """
                {"failedSignInsPerAccount": {"enabled": false}, "failedSignInsPerTenant": {"count": 3, "minutes": 1440}}""");
        fixtures.user(clinic, "desk.dan", "front_desk");
        fixtures.user(clinic, "desk.dee", "front_desk");

        fixtures.failSignIn(clinic, "desk.dan");
        fixtures.failSignIn(clinic, "desk.dee");
        assertThat(fixtures.raised(clinic)).isEmpty();

        fixtures.failSignIn(clinic, "desk.dan");
        assertThat(fixtures.raised(clinic)).containsExactly("failedSignInsPerTenant");
        fixtures.failSignIn(clinic, "desk.dee");

        assertThat(fixtures.raised(clinic)).containsExactly("failedSignInsPerTenant");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ALERT_RAISED").getFirst().details().get("subject").asString())
                .isEqualTo("tenant");
    }

    @Test
    void oneUserTouchingManyDistinctRecordsAlertsOnceAtTheThreshold() {
        fixtures.rules(clinic, """
                {"patientRecordsPerUser": {"count": 3, "minutes": 1440, "actions": ["PATIENT_RECORD_VIEWED"]}}""");
        fixtures.user(clinic, "dr.dora", "provider");

        fixtures.dataAccess(clinic, "dr.dora", "PATIENT_RECORD_VIEWED", "101");
        fixtures.dataAccess(clinic, "dr.dora", "PATIENT_RECORD_VIEWED", "101");
        fixtures.dataAccess(clinic, "dr.dora", "PATIENT_RECORD_VIEWED", "102");
        // Not one of the rule's actions: does not count.
        fixtures.dataAccess(clinic, "dr.dora", "PATIENT_RECORD_PRINTED", "103");
        assertThat(fixtures.raised(clinic)).isEmpty();

        fixtures.dataAccess(clinic, "dr.dora", "PATIENT_RECORD_VIEWED", "104");
        assertThat(fixtures.raised(clinic)).containsExactly("patientRecordsPerUser");
        fixtures.dataAccess(clinic, "dr.dora", "PATIENT_RECORD_VIEWED", "105");

        assertThat(fixtures.raised(clinic)).containsExactly("patientRecordsPerUser");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ALERT_RAISED").getFirst().details().get("count").asInt())
                .isEqualTo(3);
    }

    @Test
    void everyBreakGlassUseAlertsAndOtherDataAccessDoesNot() {
        fixtures.user(clinic, "dr.ben", "provider");

        fixtures.dataAccess(clinic, "dr.ben", "PATIENT_RECORD_VIEWED", "201");
        assertThat(fixtures.raised(clinic)).isEmpty();

        fixtures.dataAccess(clinic, "dr.ben", "BREAK_GLASS_ACCESS", "202");
        fixtures.dataAccess(clinic, "dr.ben", "BREAK_GLASS_ACCESS", "203");

        assertThat(fixtures.raised(clinic)).containsExactly("breakGlass", "breakGlass");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ALERT_RAISED").getFirst().details().at("/event/target")
                .asString()).isEqualTo("patient:202");
    }

    @Test
    void aRuleTurnedOffStaysSilent() {
        fixtures.rules(clinic, """
                {"breakGlass": {"enabled": false}}""");
        fixtures.user(clinic, "dr.cal", "provider");

        fixtures.dataAccess(clinic, "dr.cal", "BREAK_GLASS_ACCESS", "301");

        assertThat(fixtures.raised(clinic)).isEmpty();
    }

    @Test
    void grantingAnAdminRoleAlertsAndGrantingAnotherRoleOrFoundingTheTenantDoesNot() {
        String desk = fixtures.user(clinic, "desk.ed", "front_desk");
        // The founding admin and a front-desk user hold their roles: neither raised anything.
        assertThat(fixtures.raised(clinic)).isEmpty();

        Response billing = api.post(clinic.path("/users/" + desk + "/roles"), clinic.adminToken(), json("role", "billing"));
        assertThat(billing.status()).as(billing.raw()).isEqualTo(201);
        assertThat(fixtures.raised(clinic)).isEmpty();

        Response owner = api.post(clinic.path("/users/" + desk + "/roles"), clinic.adminToken(), json("role", "owner"));
        assertThat(owner.status()).as(owner.raw()).isEqualTo(201);

        assertThat(fixtures.raised(clinic)).containsExactly("adminRoleGranted");
        RecordedAudit.Event alert = RecordedAudit.of(jdbc, clinic.id(), "ALERT_RAISED").getFirst();
        assertThat(alert.details().at("/event/actor").asString()).isEqualTo(SignedInTenant.ADMIN);
        assertThat(alert.details().at("/event/target").asString()).isEqualTo("user:" + desk);
    }

    @Test
    void anAdminSigningInFromANewAddressAlertsOnceAndStaffDoNot() {
        String provider = fixtures.user(clinic, "dr.fay", "provider");
        assertThat(fixtures.signInFrom("127.0.0.1", clinic, "dr.fay", AlertFixtures.INITIAL)).isEqualTo(200);

        assertThat(fixtures.signInFrom("127.0.0.2", clinic, "dr.fay", AlertFixtures.INITIAL)).isEqualTo(200);
        assertThat(fixtures.signInFrom("127.0.0.1", clinic, SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD))
                .isEqualTo(200);
        assertThat(fixtures.raised(clinic)).isEmpty();

        assertThat(fixtures.signInFrom("127.0.0.2", clinic, SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD))
                .isEqualTo(200);
        assertThat(fixtures.signInFrom("127.0.0.2", clinic, SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD))
                .isEqualTo(200);

        assertThat(fixtures.raised(clinic)).containsExactly("adminNewIp");
        RecordedAudit.Event alert = RecordedAudit.of(jdbc, clinic.id(), "ALERT_RAISED").getFirst();
        assertThat(alert.details().get("subject").asString()).isEqualTo("user:" + clinic.adminId() + " ip:127.0.0.2");
        assertThat(provider).isNotBlank();
    }

    @Test
    void theFirstSignInOfAnAdminHasNoBaselineAndDoesNotAlert() {
        fixtures.user(clinic, "second.owner", "owner");

        assertThat(fixtures.signInFrom("127.0.0.2", clinic, "second.owner", AlertFixtures.INITIAL)).isEqualTo(200);

        assertThat(fixtures.raised(clinic)).containsExactly("adminRoleGranted");
    }

    @Test
    void aRolledBackChangeRaisesNothing() {
        TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
        AuditLog.Actor actor = new AuditLog.Actor(UUID.fromString(clinic.adminId()), SignedInTenant.ADMIN, List.of());
        AuditLog.Target patient = new AuditLog.Target("patient", "401", null);

        transactions.executeWithoutResult(status -> {
            audit.record(tenant, "BREAK_GLASS_ACCESS", actor, patient, "127.0.0.1", null, Map.of());
            status.setRollbackOnly();
        });
        assertThat(fixtures.raised(clinic)).isEmpty();

        transactions.executeWithoutResult(status -> audit.record(tenant, "BREAK_GLASS_ACCESS", actor, patient,
                "127.0.0.1", null, Map.of()));
        assertThat(fixtures.raised(clinic)).containsExactly("breakGlass");
    }

    @Test
    void aReusedRefreshTokenAlerts() {
        TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
        AuditLog.Target client = new AuditLog.Target("client", "ghc_booking", null);

        transactions.executeWithoutResult(status -> audit.record(tenant, "REFRESH_TOKEN_REUSED", AuditLog.Actor.SYSTEM,
                client, null, null, Map.of("outcome", "every token of the authorization was revoked")));

        assertThat(fixtures.raised(clinic)).containsExactly("refreshTokenReused");
    }

    @Test
    void alertMailIsQueuedForTheTenantWideAdminsWithAnAddressOnly() {
        fixtures.user(clinic, "owner.two", "owner");
        fixtures.user(clinic, "manager.mo", "manager");
        fixtures.user(clinic, "dr.gil", "provider");

        fixtures.dataAccess(clinic, "dr.gil", "BREAK_GLASS_ACCESS", "501");
        evaluator.awaitEvaluated();

        // The first admin has no address; the manager edits no settings; the provider is no admin.
        List<String> recipients = jdbc.sql("""
                        select distinct recipient from mail_outbox where tenant_id = :tenant and kind = 'ALERT' order by recipient
                        """)
                .param("tenant", UUID.fromString(clinic.id())).query(String.class).list();
        assertThat(recipients).containsExactly("owner.two@" + clinic.slug() + ".example");
    }

    @Test
    void theRulesStartAtTheDefaultsAndAreReplacedAndAudited() {
        Response defaults = api.get(clinic.path("/alerts"), clinic.adminToken());
        assertThat(defaults.status()).isEqualTo(200);
        assertThat(defaults.body().at("/rules/failedSignInsPerAccount/count").asInt()).isEqualTo(5);
        assertThat(defaults.body().at("/rules/failedSignInsPerAccount/minutes").asInt()).isEqualTo(15);
        assertThat(defaults.body().at("/rules/failedSignInsPerTenant/count").asInt()).isEqualTo(50);
        assertThat(defaults.body().at("/rules/patientRecordsPerUser/count").asInt()).isEqualTo(100);
        assertThat(defaults.body().at("/rules/patientRecordsPerUser/minutes").asInt()).isEqualTo(60);
        for (String rule : List.of("breakGlass", "adminRoleGranted", "adminNewIp", "impersonationStarted",
                "refreshTokenReused", "clinicalBreakGlass")) {
            assertThat(defaults.body().at("/rules/" + rule + "/enabled").asBoolean()).isTrue();
        }
        assertThat(defaults.body().at("/webhook/enabled").asBoolean()).isFalse();
        assertThat(defaults.body().at("/webhook/secretSet").asBoolean()).isFalse();

        Response saved = api.put(clinic.path("/alerts"), clinic.adminToken(), json("rules",
                raw("{\"adminNewIp\": {\"enabled\": false}}"), "webhook", raw(json("url",
                        "https://hooks.example/services/T0/very-secret-path", "enabled", true))));

        assertThat(saved.status()).as(saved.raw()).isEqualTo(200);
        assertThat(saved.body().at("/rules/adminNewIp/enabled").asBoolean()).isFalse();
        assertThat(saved.body().at("/webhook/url").asString()).isEqualTo("https://hooks.example/services/T0/very-secret-path");
        RecordedAudit.Event changed = RecordedAudit.of(jdbc, clinic.id(), "ALERT_SETTINGS_CHANGED").getFirst();
        assertThat(changed.details().at("/before/rules/adminNewIp/enabled").asBoolean()).isTrue();
        assertThat(changed.details().at("/after/rules/adminNewIp/enabled").asBoolean()).isFalse();
        assertThat(changed.details().at("/after/webhook/origin").asString()).isEqualTo("https://hooks.example");
        assertThat(changed.details().toString()).doesNotContain("very-secret-path").doesNotContain("whsec_");
    }

    @Test
    void theWebhookSecretIsShownOnceWhenIssuedAndWhenRotated() {
        String webhook = json("url", "http://" + TestDns.RECEIVER + ":9/alerts", "enabled", false);
        Response first = api.put(clinic.path("/alerts"), clinic.adminToken(), json("webhook", raw(webhook)));
        String secret = first.text("/webhook/secret");
        assertThat(secret).startsWith("whsec_");
        assertThat(first.body().at("/webhook/secretSet").asBoolean()).isTrue();

        Response read = api.get(clinic.path("/alerts"), clinic.adminToken());
        Response again = api.put(clinic.path("/alerts"), clinic.adminToken(), json("webhook", raw(webhook)));
        assertThat(read.body().at("/webhook/secretSet").asBoolean()).isTrue();
        assertThat(read.raw()).doesNotContain(secret).doesNotContain("\"secret\"");
        assertThat(again.raw()).doesNotContain(secret).doesNotContain("\"secret\"");

        Response rotated = api.post(clinic.path("/alerts/webhook/secret"), clinic.adminToken(), "");
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.text("/secret")).startsWith("whsec_").isNotEqualTo(secret);
        assertThat(api.get(clinic.path("/alerts"), clinic.adminToken()).raw()).doesNotContain(rotated.text("/secret"));
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ALERT_WEBHOOK_SECRET_ROTATED")).hasSize(1);
    }

    @Test
    void rotatingWithoutAWebhookConflicts() {
        assertThat(api.post(clinic.path("/alerts/webhook/secret"), clinic.adminToken(), "").status()).isEqualTo(409);
    }

    @Test
    void badRulesAnswer400NamingTheFieldAndChangeNothing() {
        assertThat(field(json("rules", raw("{\"failedSignInsPerAccount\": {\"count\": 0}}"))))
                .isEqualTo("rules.failedSignInsPerAccount.count");
        assertThat(field(json("rules", raw("{\"failedSignInsPerTenant\": {\"minutes\": 1441}}"))))
                .isEqualTo("rules.failedSignInsPerTenant.minutes");
        assertThat(field(json("rules", raw("{\"patientRecordsPerUser\": {\"actions\": []}}"))))
                .isEqualTo("rules.patientRecordsPerUser.actions");
        assertThat(field(json("rules", raw("{\"breakGlass\": {\"enabled\": \"yes\"}}"))))
                .isEqualTo("rules.breakGlass.enabled");
        assertThat(field(json("rules", raw("{\"everything\": {}}")))).isEqualTo("rules.everything");
        assertThat(field(json("webhook", raw(json("url", "http://hooks.example/alerts"))))).isEqualTo("webhook.url");
        assertThat(field(json("webhook", raw(json("url", "ftp://127.0.0.1/alerts"))))).isEqualTo("webhook.url");
        assertThat(field(json("webhook", raw(json("enabled", true))))).isEqualTo("webhook.url");

        assertThat(api.get(clinic.path("/alerts"), clinic.adminToken()).body().at("/rules/failedSignInsPerAccount/count")
                .asInt()).isEqualTo(5);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ALERT_SETTINGS_CHANGED")).isEmpty();
    }

    @Test
    void everySpellingOfAnInternalAddressIsRefusedWhenSavedNamingTheFieldAndTheReason() {
        Map<String, String> spellings = new java.util.LinkedHashMap<>();
        spellings.put("http://127.0.0.1:5432/", "resolves to 127.0.0.1, a loopback address");
        spellings.put("https://169.254.169.254/latest/meta-data/iam/", "resolves to 169.254.169.254, a link-local");
        spellings.put("https://10.0.0.1/", "resolves to 10.0.0.1, a private address");
        spellings.put("https://[::ffff:127.0.0.1]/", "resolves to 127.0.0.1, a loopback address");
        spellings.put("https://2130706433/", "is not a canonical IPv4 address");
        spellings.put("https://127.0.0.1.nip.io/", "resolves to 127.0.0.1, a loopback address");
        spellings.put("https://0177.0.0.1/", "is not a canonical IPv4 address");
        spellings.put("https://0x7f.1/", "is not a canonical IPv4 address");
        spellings.put("https://127.1/", "is not a canonical IPv4 address");
        spellings.put("https://localhost/", "names this machine (localhost)");
        spellings.put("https://[::1]/", "a loopback address");
        spellings.put("https://[0:0:0:0:0:0:0:1]/", "a loopback address");
        spellings.put("https://public.example@127.0.0.1/", "must not contain user info");
        spellings.put("https://127.0.0.1./", "resolves to 127.0.0.1, a loopback address");
        spellings.put("https://100.64.0.1/", "a carrier-grade NAT address");
        spellings.put("https://[fd00::1]/", "a unique-local address");
        spellings.put("http://hooks.example/alerts", "must use https");

        for (Map.Entry<String, String> spelling : spellings.entrySet()) {
            Response refused = api.put(clinic.path("/alerts"), clinic.adminToken(), json("webhook", raw(json("url",
                    spelling.getKey(), "enabled", true))));
            assertThat(refused.status()).as(spelling.getKey() + ": " + refused.raw()).isEqualTo(400);
            assertThat(refused.http().headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.text("/errors/0/field")).as(spelling.getKey()).isEqualTo("webhook.url");
            assertThat(refused.text("/errors/0/message")).as(spelling.getKey()).contains(spelling.getValue());
        }

        Response stored = api.get(clinic.path("/alerts"), clinic.adminToken());
        assertThat(stored.body().at("/webhook/url").isMissingNode() || stored.body().at("/webhook/url").isNull())
                .as(stored.raw()).isTrue();
        assertThat(stored.body().at("/webhook/secretSet").asBoolean()).isFalse();
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ALERT_SETTINGS_CHANGED")).isEmpty();
    }

    @Test
    void withoutSettingsPermissionsTheRulesAreForbiddenAndAnotherTenantsAreNotFound() {
        String provider = TestMembers.member("dr.hal").holding("provider").withEmail().create(api, clinic).token();
        String change = json("rules", raw("{\"breakGlass\": {\"enabled\": false}}"));

        assertThat(api.get(clinic.path("/alerts"), provider).status()).isEqualTo(403);
        assertThat(api.put(clinic.path("/alerts"), provider, change).status()).isEqualTo(403);
        assertThat(api.post(clinic.path("/alerts/webhook/secret"), provider, "").status()).isEqualTo(403);

        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.get(other.path("/alerts"), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(api.put(other.path("/alerts"), clinic.adminToken(), change).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/alerts"), operatorToken()).status()).isEqualTo(404);
    }

    @Test
    void rulesAndAlertsStayInTheirTenant() {
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        fixtures.rules(clinic, """
                {"breakGlass": {"enabled": false}}""");
        fixtures.user(clinic, "dr.ivy", "provider");
        fixtures.user(other, "dr.ivy", "provider");

        fixtures.dataAccess(clinic, "dr.ivy", "BREAK_GLASS_ACCESS", "601");
        fixtures.dataAccess(other, "dr.ivy", "BREAK_GLASS_ACCESS", "601");

        assertThat(fixtures.raised(clinic)).isEmpty();
        assertThat(fixtures.raised(other)).containsExactly("breakGlass");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ALERT_RAISED")).isEmpty();
        assertThat(api.get(other.path("/alerts"), other.adminToken()).body().at("/rules/breakGlass/enabled").asBoolean())
                .isTrue();
    }

    private String field(String body) {
        Response refused = api.put(clinic.path("/alerts"), clinic.adminToken(), body);
        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        return refused.body().at("/errors/0/field").asString();
    }
}
