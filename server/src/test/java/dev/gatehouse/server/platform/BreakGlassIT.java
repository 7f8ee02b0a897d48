package dev.gatehouse.server.platform;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.platform.OperatorFixtures.Event;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Break-glass (seed 000, "One-time emergency account unlock (fully audited)"; seed 001, "If the
 * TENANT_ADMIN themselves locks out, only a platform admin can reset"): an operator unlocks a
 * tenant's user once, every session of theirs ends, they must set a new password through a one-use
 * reset link, the tenant's trail records BREAK_GLASS and the tenant's admins are alerted.
 */
class BreakGlassIT extends IntegrationTest {

    private static final String REASON = "seed 001: the TENANT_ADMIN locked themselves out, ticket 815";
    private static final String NEW_PASSWORD = "the admin's brand new passphrase";

    @Autowired
    JdbcClient jdbc;


    OperatorFixtures fixtures;
    SignedInTenant rcm;
    String operator;

    @BeforeEach
    void tenant() {
        fixtures = new OperatorFixtures(api, jdbc, context);
        operator = operatorToken();
        rcm = SignedInTenant.create(api, operator, "rcm");
    }

    @Test
    void unlocksALockedOutTenantAdminOnceEndsTheirSessionsAndTheyMustSetANewPassword() {
        String colleague = anotherAdminWithAnAddress();
        for (int i = 0; i < 5; i++) {
            api.post("/api/v1/auth/login", null, json("tenant", rcm.slug(), "username", SignedInTenant.ADMIN,
                    "password", "not my password " + i));
        }
        assertThat(signIn(SignedInTenant.ADMIN_PASSWORD).status()).as("locked out").isEqualTo(401);
        assertThat(fixtures.impersonate(operator, rcm.slug(), rcm.adminId(), REASON).status())
                .as("impersonation does not get round the lockout").isEqualTo(409);
        long mark = fixtures.lastSeq(rcm.id());

        Response done = fixtures.breakGlass(operator, rcm.slug(), rcm.adminId(), REASON);

        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        String link = done.text("/resetUrl");
        assertThat(link).contains("/console/reset-password?token=");
        assertThat(Instant.parse(done.text("/expiresAt"))).isBetween(Instant.now().plus(Duration.ofMinutes(59)),
                Instant.now().plus(Duration.ofMinutes(61)));
        assertThat(done.text("/user/id")).isEqualTo(rcm.adminId());
        assertThat(done.text("/user/status")).isEqualTo("ACTIVE");
        assertThat(done.body().at("/sessionsEnded").asInt()).isPositive();
        assertThat(api.get("/api/v1/me", rcm.adminToken()).status()).as("their sessions ended").isEqualTo(401);
        assertThat(jdbc.sql("select failed_logins from users where id = :id").param("id", UUID.fromString(rcm.adminId()))
                .query(Integer.class).single()).isZero();

        List<Event> written = fixtures.since(rcm.id(), mark).stream()
                .filter(e -> !e.action().startsWith("ALERT_")).toList();
        assertThat(written).extracting(Event::action).containsExactly("BREAK_GLASS");
        Event event = written.getFirst();
        assertThat(event.actorId()).isEqualTo(fixtures.operatorId());
        assertThat(event.actorUsername()).isEqualTo(OPERATOR);
        assertThat(event.actorRoles()).containsExactly("SUPER_ADMIN");
        assertThat(event.targetType()).isEqualTo("user");
        assertThat(event.targetId()).isEqualTo(rcm.adminId());
        assertThat(event.ip()).isEqualTo("127.0.0.1");
        assertThat(event.details().at("/reason").asString()).isEqualTo(REASON);
        assertThat(event.details().at("/previousStatus").asString()).isEqualTo("ACTIVE");
        assertThat(event.details().at("/failedLogins").asInt()).isEqualTo(5);
        assertThat(event.details().at("/lockedUntil").isMissingNode()).isFalse();
        assertThat(event.details().at("/sessionsEnded").asInt()).isEqualTo(done.body().at("/sessionsEnded").asInt());
        assertThat(event.text()).as("the link's token stays out of the trail").doesNotContain(tokenOf(link));

        // The old password opens the door only to setting a new one.
        Response old = signIn(SignedInTenant.ADMIN_PASSWORD);
        assertThat(old.status()).as(old.raw()).isEqualTo(200);
        assertThat(old.body().at("/requiredActions").toString()).contains("CHANGE_PASSWORD");
        assertThat(api.get(rcm.path("/users"), old.text("/token")).status()).isEqualTo(403);
        // The link sets it, once.
        assertThat(api.post("/api/v1/auth/tokens/accept", null, json("token", tokenOf(link), "newPassword",
                NEW_PASSWORD)).status()).isEqualTo(204);
        assertThat(api.post("/api/v1/auth/tokens/accept", null, json("token", tokenOf(link), "newPassword",
                NEW_PASSWORD + " again")).status()).isEqualTo(400);
        Response fresh = signIn(NEW_PASSWORD);
        assertThat(fresh.status()).as(fresh.raw()).isEqualTo(200);
        assertThat(fresh.body().at("/requiredActions").size()).isZero();

        assertThat(raisedBreakGlassAlerts()).as("the tenant's admins are told").isEqualTo(1);
        Event alert = fixtures.since(rcm.id(), mark, "ALERT_RAISED").stream()
                .filter(e -> e.details().at("/rule").asString().equals("breakGlass")).findFirst().orElseThrow();
        assertThat(alert.details().at("/event/action").asString()).isEqualTo("BREAK_GLASS");
        assertThat(alert.details().at("/event/actor").asString()).isEqualTo(OPERATOR);
        // Mailed to the admins with an address (the locked-out one has none): the colleague.
        assertThat(jdbc.sql("""
                        select recipient from mail_outbox
                        where tenant_id = :tenant and kind = 'ALERT' and subject like '%used break-glass%'
                        """)
                .param("tenant", UUID.fromString(rcm.id())).query(String.class).list()).containsExactly(colleague);
    }

    @Test
    void clearsAnAdministratorsPermanentLockAndEndsAnImpersonationOfTheUser() {
        UUID biller = fixtures.staff(rcm, "biller.bo", "BILLER");
        String impersonation = fixtures.impersonate(operator, rcm.slug(), biller, "ticket 9: claims view").text("/token");
        String own = api.login(rcm.slug(), "biller.bo", OperatorFixtures.PASSWORD);
        assertThat(api.post(rcm.path("/users/" + biller + "/lock"), rcm.adminToken(), "").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", impersonation).status()).as("the lock ended both").isEqualTo(401);
        // Locked, so signed out; a new impersonation is refused, break-glass is the way.
        long mark = fixtures.lastSeq(rcm.id());

        Response done = fixtures.breakGlass(operator, rcm.slug(), biller, REASON);

        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.text("/user/status")).isEqualTo("ACTIVE");
        Event event = fixtures.since(rcm.id(), mark, "BREAK_GLASS").getFirst();
        assertThat(event.details().at("/previousStatus").asString()).isEqualTo("LOCKED");
        assertThat(jdbc.sql("select status from users where id = :id").param("id", biller).query(String.class)
                .single()).isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/me", own).status()).isEqualTo(401);
        // The lock had already ended the impersonation, and said so.
        List<Event> ended = fixtures.since(rcm.id(), 0, "IMPERSONATION_ENDED");
        assertThat(ended).hasSize(1);
        assertThat(ended.getFirst().details().at("/reason").asString()).isEqualTo("USER_LOCKED");
        assertThat(ended.getFirst().actorUsername()).isEqualTo(SignedInTenant.ADMIN);
    }

    @Test
    void endsALiveImpersonationOfTheUserAndSaysSo() {
        UUID lead = fixtures.staff(rcm, "lead.lu", "BILLING_LEAD");
        String impersonation = fixtures.impersonate(operator, rcm.slug(), lead, "ticket 10").text("/token");
        long mark = fixtures.lastSeq(rcm.id());

        assertThat(fixtures.breakGlass(operator, rcm.slug(), lead, REASON).status()).isEqualTo(200);

        assertThat(api.get("/api/v1/me", impersonation).status()).isEqualTo(401);
        Event ended = fixtures.since(rcm.id(), mark, "IMPERSONATION_ENDED").getFirst();
        assertThat(ended.actorUsername()).as("the operator's break-glass ended it").isEqualTo(OPERATOR);
        assertThat(ended.actorRoles()).containsExactly("SUPER_ADMIN");
        assertThat(ended.details().at("/reason").asString()).isEqualTo("BREAK_GLASS");
    }

    @Test
    void refusesWhatItMustAndWritesNothingThen() {
        UUID disabled = fixtures.staff(rcm, "gone.gil", "BILLER");
        assertThat(api.post(rcm.path("/users/" + disabled + "/disable"), rcm.adminToken(), "").status()).isEqualTo(200);
        Response invited = api.post(rcm.path("/users"), rcm.adminToken(), json("username", "new.nia", "firstName", "Nia",
                "lastName", "New", "roles", raw("[{\"role\": \"BILLER\"}]")));
        UUID active = fixtures.staff(rcm, "fine.fred", "BILLER");
        String otherTenantsAdmin = SignedInTenant.create(api, operator, "clinic").adminToken();
        String roleless = fixtures.operatorWithoutRoles("ops-nobg-" + UUID.randomUUID().toString().substring(0, 8));
        long mark = fixtures.lastSeq(rcm.id());
        long platformMark = fixtures.lastSeq(fixtures.platformId());

        assertRefused(fixtures.breakGlass(operator, rcm.slug(), disabled, REASON), 409, "disabled");
        assertRefused(fixtures.breakGlass(operator, rcm.slug(), invited.text("/id"), REASON), 409, "invitation");
        // Their own tenant's admin is told the truth; another tenant's admin learns nothing about this one.
        assertRefused(fixtures.breakGlass(rcm.adminToken(), rcm.slug(), active, REASON), 403,
                "only platform operators may use break-glass");
        assertRefused(fixtures.breakGlass(otherTenantsAdmin, rcm.slug(), active, REASON), 404, "does not exist");
        Response unknown = fixtures.breakGlass(otherTenantsAdmin, "no-such-tenant-here", active, REASON);
        assertRefused(unknown, 404, "does not exist");
        assertThat(fixtures.breakGlass(otherTenantsAdmin, rcm.slug(), active, REASON).text("/detail"))
                .as("an existing tenant answers as an unknown one")
                .isEqualTo(unknown.text("/detail").replace("no-such-tenant-here", rcm.slug()));
        assertRefused(fixtures.breakGlass(operator, rcm.slug(), UUID.randomUUID(), REASON), 404, "does not exist");
        assertRefused(fixtures.breakGlass(operator, "no-such-tenant-here", active, REASON), 404, "does not exist");
        assertRefused(fixtures.breakGlass(operator, "platform", fixtures.operatorId(), REASON), 403, "outside tenants");
        Response blank = fixtures.breakGlass(operator, rcm.slug(), active, "");
        assertThat(blank.status()).as(blank.raw()).isEqualTo(400);
        assertThat(blank.text("/errors/0/field")).isEqualTo("reason");
        assertThat(fixtures.since(rcm.id(), mark)).as("nothing in the tenant's trail").isEmpty();
        assertThat(fixtures.since(fixtures.platformId(), platformMark)).isEmpty();

        assertRefused(fixtures.breakGlass(roleless, rcm.slug(), active, REASON), 403, "platform.break-glass");
        assertThat(fixtures.since(rcm.id(), mark)).isEmpty();
        assertThat(fixtures.since(fixtures.platformId(), platformMark, "PERMISSION_DENIED")).singleElement()
                .satisfies(denied -> assertThat(denied.details().at("/permission").asString())
                        .isEqualTo("platform.break-glass"));
        assertThat(jdbc.sql("select count(*) from alerts where tenant_id = :tenant")
                .param("tenant", UUID.fromString(rcm.id())).query(Long.class).single()).isZero();
    }

    private void assertRefused(Response refused, int status, String detail) {
        assertThat(refused.status()).as(refused.raw()).isEqualTo(status);
        assertThat(refused.http().headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(refused.text("/detail")).as(refused.raw()).contains(detail);
    }

    /** A second TENANT_ADMIN with an e-mail address, who hears the tenant's alerts; answers the address. */
    private String anotherAdminWithAnAddress() {
        String email = "second.admin@" + rcm.slug() + ".example";
        Response created = api.post(rcm.path("/users"), rcm.adminToken(), json("username", "second.admin", "firstName",
                "Sam", "lastName", "Second", "email", email, "password", "handed over by the admin 12345", "roles",
                raw("[{\"role\": \"TENANT_ADMIN\"}]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return email;
    }

    private Response signIn(String password) {
        return api.post("/api/v1/auth/login", null, json("tenant", rcm.slug(), "username", SignedInTenant.ADMIN,
                "password", password));
    }

    /** The breakGlass alerts raised in the tenant, waiting up to 20 s for the alerts' own thread. */
    private long raisedBreakGlassAlerts() {
        Instant deadline = Instant.now().plusSeconds(20);
        long raised = 0;
        while (Instant.now().isBefore(deadline)) {
            raised = jdbc.sql("select count(*) from alerts where tenant_id = :tenant and rule = 'breakGlass'")
                    .param("tenant", UUID.fromString(rcm.id())).query(Long.class).single();
            if (raised > 0) {
                // Give a wrongly repeated alert the chance to show before answering.
                sleep(500);
                return jdbc.sql("select count(*) from alerts where tenant_id = :tenant and rule = 'breakGlass'")
                        .param("tenant", UUID.fromString(rcm.id())).query(Long.class).single();
            }
            sleep(100);
        }
        return raised;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String tokenOf(String url) {
        String query = URI.create(url).getQuery();
        return query.substring(query.indexOf("token=") + "token=".length());
    }
}
