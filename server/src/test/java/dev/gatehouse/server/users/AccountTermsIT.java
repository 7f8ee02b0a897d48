package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestServiceAccounts;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 13's account terms over HTTP: lastSignInAt, a contractor's expiresAt (no sign-in, no
 * session, every check denied), the manager hierarchy, and the nightly inactivity rule, with the
 * {@link TestClock} moved ahead where days must pass.
 */
class AccountTermsIT extends IntegrationTest {

    @Autowired
    TestClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    InactivityRule inactivity;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private SignedInTenant clinic() {
        return TestTenants.tenant("clinic").withAdminEmail().create(api, operatorToken());
    }

    private Response login(SignedInTenant tenant, String username, String password) {
        return api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", username, "password",
                password));
    }

    private Response check(SignedInTenant tenant, String token, String user) {
        return api.post(tenant.path("/check"), token, json("user", user, "permission", "patients.read"));
    }

    @Test
    void everySignInRecordsLastSignInAt() {
        SignedInTenant clinic = clinic();
        TestMembers.Member desk = TestMembers.member("desk").holding("front_desk").create(api, clinic);
        Instant before = Instant.now().minusSeconds(1);

        desk.signIn();

        Response user = api.get(clinic.path("/users/" + desk.id()), clinic.adminToken());
        assertThat(Instant.parse(user.text("/lastSignInAt"))).isAfter(before);
        Response patched = api.patch(clinic.path("/users/" + desk.id()), clinic.adminToken(),
                json("lastSignInAt", "2020-01-01T00:00:00Z"));
        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.text("/errors/0/field")).isEqualTo("lastSignInAt");
    }

    @Test
    void anExpiredContractorCannotSignInAndTheirSessionAndChecksStop() {
        SignedInTenant clinic = clinic();
        // A locum covering for the owner: they may read patients until their account ends.
        TestMembers.Member contractor = TestMembers.member("locum").holding("owner").create(api, clinic);
        Instant end = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        Response set = api.patch(clinic.path("/users/" + contractor.id()), clinic.adminToken(),
                json("expiresAt", end.toString()));
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        assertThat(set.text("/expiresAt")).isEqualTo(end.toString());
        String session = contractor.token();
        assertThat(api.get("/api/v1/me", session).status()).isEqualTo(200);
        assertThat(check(clinic, clinic.adminToken(), contractor.id()).body().at("/allowed").asBoolean()).isTrue();

        clock.moveAhead(Duration.ofDays(3));
        String admin = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        assertThat(api.get("/api/v1/me", session).status()).as("the contractor's session ended with the account")
                .isEqualTo(401);
        Response right = login(clinic, "locum", contractor.password());
        assertThat(right.status()).isEqualTo(403);
        assertThat(right.text("/title")).isEqualTo("Account expired");
        assertThat(right.text("/detail")).contains(end.toString());
        Response wrong = login(clinic, "locum", "not the password at all");
        assertThat(wrong.status()).as("a stranger learns nothing of the expiry").isEqualTo(401);
        assertThat(wrong.raw()).doesNotContain("expired");
        Response denied = check(clinic, admin, contractor.id());
        assertThat(denied.body().at("/allowed").asBoolean()).isFalse();
        assertThat(denied.raw()).contains("EXPIRED_SUBJECT");
        assertThat(jdbc.sql("""
                        select count(*) from audit_events where tenant_id = :t and action = 'LOGIN_FAILED'
                          and details ->> 'reason' = 'ACCOUNT_EXPIRED'
                        """).param("t", UUID.fromString(clinic.id())).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void anApiKeyOfAnExpiredAccountStopsWorking() {
        SignedInTenant clinic = clinic();
        TestMembers.Member contractor = TestMembers.member("temp").holding("front_desk").create(api, clinic);
        Response key = api.post(clinic.path("/api-keys"), contractor.token(), json("name", "temp's key", "scopes",
                raw("[\"patients.read\"]")));
        assertThat(key.status()).as(key.raw()).isEqualTo(201);
        String secret = key.text("/key");
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(200);
        api.patch(clinic.path("/users/" + contractor.id()), clinic.adminToken(),
                json("expiresAt", Instant.now().plus(Duration.ofHours(1)).toString()));

        clock.moveAhead(Duration.ofHours(2));

        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(401);
    }

    @Test
    void expiryIsCheckedAtTheFieldOnCreateAndPatch() {
        SignedInTenant clinic = clinic();
        Response past = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "late", "firstName",
                "L", "lastName", "Ate", "password", TestMembers.INITIAL, "expiresAt", "2001-01-01T00:00:00Z"));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.text("/errors/0/field")).isEqualTo("expiresAt");
        Response garbled = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "late", "firstName",
                "L", "lastName", "Ate", "password", TestMembers.INITIAL, "expiresAt", "next tuesday"));
        assertThat(garbled.status()).isEqualTo(400);
        assertThat(garbled.text("/errors/0/field")).isEqualTo("expiresAt");
        assertThat(jdbc.sql("select count(*) from users where tenant_id = :t and username = 'late'")
                .param("t", UUID.fromString(clinic.id())).query(Long.class).single()).as("nothing written").isZero();

        String end = Instant.now().plus(Duration.ofDays(90)).truncatedTo(ChronoUnit.SECONDS).toString();
        Response created = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "locum",
                "firstName", "Lo", "lastName", "Cum", "password", TestMembers.INITIAL, "expiresAt", end));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.text("/id");
        assertThat(api.get(clinic.path("/users/" + id), clinic.adminToken()).text("/expiresAt")).isEqualTo(end);
        Response patchPast = api.patch(clinic.path("/users/" + id), clinic.adminToken(),
                json("expiresAt", "2001-01-01T00:00:00Z"));
        assertThat(patchPast.status()).isEqualTo(400);
        assertThat(patchPast.text("/errors/0/field")).isEqualTo("expiresAt");
        Response cleared = api.patch(clinic.path("/users/" + id), clinic.adminToken(), "{\"expiresAt\": null}");
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(cleared.body().at("/expiresAt").isMissingNode() || cleared.body().at("/expiresAt").isNull())
                .isTrue();
    }

    @Test
    void aManagerIsAnotherUserOfTheTenantNeverSelfNeverACycle() {
        SignedInTenant clinic = clinic();
        SignedInTenant other = clinic();
        TestMembers.Member boss = TestMembers.member("boss").holding("front_desk").create(api, clinic);
        TestMembers.Member desk = TestMembers.member("desk").holding("front_desk").create(api, clinic);
        String admin = clinic.adminToken();

        Response set = api.patch(clinic.path("/users/" + desk.id()), admin, json("managerId", boss.id()));
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        assertThat(set.text("/managerId")).isEqualTo(boss.id());
        Response reports = api.get(clinic.path("/users/" + boss.id() + "/reports"), admin);
        assertThat(reports.body().at("/total").asLong()).isEqualTo(1);
        assertThat(reports.text("/items/0/username")).isEqualTo("desk");

        Response self = api.patch(clinic.path("/users/" + boss.id()), admin, json("managerId", boss.id()));
        assertThat(self.status()).isEqualTo(400);
        assertThat(self.text("/errors/0/field")).isEqualTo("managerId");
        Response cycle = api.patch(clinic.path("/users/" + boss.id()), admin, json("managerId", desk.id()));
        assertThat(cycle.status()).isEqualTo(400);
        assertThat(cycle.text("/errors/0/field")).isEqualTo("managerId");
        Response foreign = api.patch(clinic.path("/users/" + boss.id()), admin, json("managerId", other.adminId()));
        assertThat(foreign.status()).as("another tenant's user is nobody here").isEqualTo(400);
        assertThat(foreign.text("/errors/0/field")).isEqualTo("managerId");
        Response ownManager = api.patch(clinic.path("/users/" + clinic.adminId()), admin,
                json("managerId", boss.id()));
        assertThat(ownManager.status()).as("nobody picks their own manager (their reviewer)").isEqualTo(403);
        Response foreignReports = api.get(other.path("/users/" + boss.id() + "/reports"), other.adminToken());
        assertThat(foreignReports.status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/users/" + boss.id() + "/reports"), desk.token()).status())
                .as("a front desk reads no users").isEqualTo(403);
    }

    @Test
    void theInactivityRuleDisablesDormantPeopleButNeverTheLastAdminNorServiceAccounts() {
        SignedInTenant clinic = clinic();
        TestMembers.Member desk = TestMembers.member("dormant").holding("front_desk").create(api, clinic);
        String robot = TestServiceAccounts.serviceAccount("robot").holding("front_desk").create(api, clinic);
        TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
        assertThat(inactivity.run(tenant)).as("off by default").isEmpty();
        Response on = api.patch(clinic.path("/settings"), clinic.adminToken(), json("inactivityDisableDays", 30));
        assertThat(on.status()).as(on.raw()).isEqualTo(200);
        assertThat(on.body().at("/inactivityDisableDays").asInt()).isEqualTo(30);
        Response wrong = api.patch(clinic.path("/settings"), clinic.adminToken(), json("inactivityDisableDays", -1));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(inactivity.run(tenant).orElseThrow().disabled()).as("nobody dormant yet").isEmpty();

        clock.moveAhead(Duration.ofDays(31));
        InactivityRule.Outcome outcome = inactivity.run(tenant).orElseThrow();

        assertThat(outcome.disabled()).hasSize(1).first().asString().startsWith("dormant");
        assertThat(outcome.kept()).hasSize(1).first().asString().startsWith(SignedInTenant.ADMIN);
        assertThat(status(clinic, desk.id())).isEqualTo("DISABLED");
        assertThat(status(clinic, clinic.adminId())).isEqualTo("ACTIVE");
        assertThat(status(clinic, robot)).as("a service account never signs in; it is not dormant")
                .isEqualTo("ACTIVE");
        assertThat(jdbc.sql("""
                        select details ->> 'reason' from audit_events
                        where tenant_id = :t and action = 'USER_DISABLED' and target_id = :u
                        """).param("t", UUID.fromString(clinic.id())).param("u", desk.id()).query(String.class).list())
                .containsExactly("inactivity");
        assertThat(QueuedMail.in(context).bodies("tenant_id = :t and recipient = :admin",
                        Map.of("t", UUID.fromString(clinic.id()), "admin", SignedInTenant.ADMIN + "@" + clinic.slug()
                                + ".example")))
                .singleElement().asString().contains("dormant").contains("last active administrator");
        assertThat(inactivity.run(tenant).orElseThrow().disabled()).as("a second run finds nobody left").isEmpty();
        assertThat(login(clinic, "dormant", desk.password()).status()).isEqualTo(401);
    }

    private String status(SignedInTenant tenant, String user) {
        return jdbc.sql("select status from users where tenant_id = :t and id = :u")
                .param("t", UUID.fromString(tenant.id())).param("u", UUID.fromString(user)).query(String.class).single();
    }
}
