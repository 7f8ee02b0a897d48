package dev.gatehouse.server.platform;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.platform.OperatorFixtures.Event;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A platform operator's impersonation of a tenant's user (seed 001, "platform admin impersonation";
 * docs/access-model.md: "audited and visible to the tenant"): the token acts as the user, the
 * tenant's trail records its start, everything done through it and its end, the user's session lists
 * show it, the tenant's admins end it, it lasts at most 30 minutes outside the user's session cap,
 * it cannot touch the user's credentials, and every refusal is a problem document that writes
 * nothing into the tenant's trail.
 */
class ImpersonationIT extends IntegrationTest {

    private static final String REASON = "ticket 4711: cannot see the afternoon schedule";

    @Autowired
    JdbcClient jdbc;


    OperatorFixtures fixtures;
    SignedInTenant clinic;
    String operator;

    @BeforeEach
    void clinic() {
        fixtures = new OperatorFixtures(api, jdbc, context);
        operator = operatorToken();
        clinic = SignedInTenant.create(api, operator, "clinic");
        // The alert on each start is written by the alerts' own thread, after the start, into whatever
        // window a test is counting: off here, on in the test of it.
        impersonationAlerts(false);
    }

    @Test
    void theTokenActsAsTheUserAndTheTenantsTrailRecordsTheStartWhatWasDoneAndTheEnd() {
        UUID ana = fixtures.staff(clinic, "dr.ana", "provider");
        long mark = fixtures.lastSeq(clinic.id());

        Response started = fixtures.impersonate(operator, clinic.slug(), ana, REASON);

        assertThat(started.status()).as(started.raw()).isEqualTo(201);
        String token = started.text("/token");
        String session = started.text("/sessionId");
        assertThat(started.text("/user/id")).isEqualTo(ana.toString());
        assertThat(started.text("/user/username")).isEqualTo("dr.ana");
        assertThat(started.raw()).doesNotContainIgnoringCase("password").doesNotContain("hash");
        Response me = api.get("/api/v1/me", token);
        assertThat(me.status()).as(me.raw()).isEqualTo(200);
        assertThat(me.text("/user/id")).isEqualTo(ana.toString());
        assertThat(me.text("/tenant/slug")).isEqualTo(clinic.slug());
        assertThat(me.text("/impersonatedBy/username")).isEqualTo(OPERATOR);
        assertThat(me.text("/impersonatedBy/id")).isEqualTo(fixtures.operatorId().toString());
        assertThat(api.get("/api/v1/me", clinic.adminToken()).body().at("/impersonatedBy").isMissingNode())
                .as("a session of one's own names nobody").isTrue();

        List<Event> written = fixtures.since(clinic.id(), mark);
        assertThat(written).extracting(Event::action).containsExactly("IMPERSONATION_STARTED");
        Event start = written.getFirst();
        assertThat(start.actorId()).isEqualTo(fixtures.operatorId());
        assertThat(start.actorUsername()).isEqualTo(OPERATOR);
        assertThat(start.actorRoles()).containsExactly("SUPER_ADMIN");
        assertThat(start.targetType()).isEqualTo("user");
        assertThat(start.targetId()).isEqualTo(ana.toString());
        assertThat(start.targetName()).isEqualTo("dr.ana");
        assertThat(start.ip()).isEqualTo("127.0.0.1");
        assertThat(start.details().at("/reason").asString()).isEqualTo(REASON);
        assertThat(start.details().at("/sessionId").asString()).isEqualTo(session);
        assertThat(start.details().at("/expiresAt").asString()).isEqualTo(started.text("/expiresAt"));
        assertThat(start.text()).as("the token never reaches the trail").doesNotContain(token);

        // A provider may not edit settings: the refusal, written through the impersonation, names the operator.
        long beforeDenial = fixtures.lastSeq(clinic.id());
        Response refused = api.patch(clinic.path("/settings"), token, "{\"sessionPolicy\": {\"idleMinutes\": 5}}");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        Event denied = fixtures.since(clinic.id(), beforeDenial, "PERMISSION_DENIED").getFirst();
        assertThat(denied.actorId()).isEqualTo(ana);
        assertThat(denied.actorRoles()).containsExactly("provider");
        assertThat(denied.details().at("/impersonatedBy/id").asString()).isEqualTo(fixtures.operatorId().toString());
        assertThat(denied.details().at("/impersonatedBy/username").asString()).isEqualTo(OPERATOR);

        long beforeLogout = fixtures.lastSeq(clinic.id());
        assertThat(api.post("/api/v1/auth/logout", token, "").status()).isEqualTo(204);

        List<Event> ending = fixtures.since(clinic.id(), beforeLogout);
        assertThat(ending).extracting(Event::action).containsExactlyInAnyOrder("LOGOUT", "IMPERSONATION_ENDED");
        Event logout = ending.stream().filter(e -> e.action().equals("LOGOUT")).findFirst().orElseThrow();
        assertThat(logout.details().at("/impersonatedBy/username").asString()).isEqualTo(OPERATOR);
        Event end = ending.stream().filter(e -> e.action().equals("IMPERSONATION_ENDED")).findFirst().orElseThrow();
        assertThat(end.actorId()).as("the user signing out, through the impersonation").isEqualTo(ana);
        assertThat(end.targetId()).isEqualTo(ana.toString());
        assertThat(end.details().at("/sessionId").asString()).isEqualTo(session);
        assertThat(end.details().at("/reason").asString()).isEqualTo("LOGOUT");
        assertThat(end.details().at("/operator/username").asString()).isEqualTo(OPERATOR);
        assertThat(end.details().at("/impersonatedBy/username").asString()).isEqualTo(OPERATOR);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(401);
        Response verified = api.get(clinic.path("/audit/verify"), clinic.adminToken());
        assertThat(verified.body().at("/ok").asBoolean()).as(verified.raw()).isTrue();
    }

    @Test
    void anOperatorSigningOutEndsTheImpersonationsTheyOpenedOnTheTenantsRecord() {
        UUID cy = fixtures.staff(clinic, "dr.cy", "provider");
        String own = operatorToken();
        Response started = fixtures.impersonate(own, clinic.slug(), cy, REASON);
        assertThat(started.status()).as(started.raw()).isEqualTo(201);
        String token = started.text("/token");
        long mark = fixtures.lastSeq(clinic.id());

        assertThat(api.post("/api/v1/auth/logout", own, "").status()).isEqualTo(204);

        assertThat(api.get("/api/v1/me", token).status()).as("the impersonation ended with the operator").isEqualTo(401);
        List<Event> written = fixtures.since(clinic.id(), mark);
        assertThat(written).extracting(Event::action).containsExactly("IMPERSONATION_ENDED");
        Event end = written.getFirst();
        assertThat(end.actorUsername()).as("the operator who signed out").isEqualTo(OPERATOR);
        assertThat(end.targetId()).isEqualTo(cy.toString());
        assertThat(end.details().at("/sessionId").asString()).isEqualTo(started.text("/sessionId"));
        assertThat(end.details().at("/reason").asString()).isEqualTo("OPERATOR_SIGNED_OUT");
        // A tenant user signing out ends nothing but their own session.
        String cyOwn = api.login(clinic.slug(), "dr.cy", OperatorFixtures.PASSWORD);
        String again = fixtures.impersonate(operatorToken(), clinic.slug(), cy, REASON).text("/token");
        assertThat(api.post("/api/v1/auth/logout", cyOwn, "").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", again).status()).isEqualTo(200);
    }

    @Test
    void anImpersonationLivesInsideTheOperatorSessionItWasOpenedFromAndNoOther() {
        UUID dan = fixtures.staff(clinic, "dr.dan", "provider");
        String opened = operatorToken();
        String elsewhere = operatorToken();
        Response started = fixtures.impersonate(opened, clinic.slug(), dan, REASON);
        assertThat(started.status()).as(started.raw()).isEqualTo(201);
        String token = started.text("/token");

        assertThat(api.post("/api/v1/auth/logout", elsewhere, "").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", token).status()).as("another session of the operator signed out")
                .isEqualTo(200);

        // The session it was opened from ends another way: from the operator's session list elsewhere.
        String third = operatorToken();
        assertThat(api.delete("/api/v1/me/sessions", third).status()).isIn(200, 204);
        Sessions sessions = context.getBean(Sessions.class);
        sessions.endExpiredImpersonations(Instant.now());
        sessions.endExpiredImpersonations(Instant.now());

        assertThat(api.get("/api/v1/me", token).status()).as("its operator session ended").isEqualTo(401);
        List<Event> ended = fixtures.since(clinic.id(), 0, "IMPERSONATION_ENDED").stream()
                .filter(e -> e.details().at("/sessionId").asString().equals(started.text("/sessionId"))).toList();
        assertThat(ended).as("recorded once, by this sweep or the node's own").hasSize(1);
        assertThat(ended.getFirst().details().at("/reason").asString()).isEqualTo("OPERATOR_SESSION_ENDED");
    }

    @Test
    void startingAnImpersonationRaisesAnAlertForTheTenantsAdmins() {
        UUID dee = fixtures.staff(clinic, "dr.dee", "provider");
        String colleague = TestMembers.member("owner.two").holding("owner").withEmail().create(api, clinic).username()
                + "@" + clinic.slug() + ".example";
        impersonationAlerts(true);

        assertThat(fixtures.impersonate(operator, clinic.slug(), dee, REASON).status()).isEqualTo(201);

        List<String> raised = raisedAlerts("impersonationStarted");
        assertThat(raised).singleElement().asString().contains("\"action\": \"IMPERSONATION_STARTED\"")
                .contains("\"actor\": \"" + OPERATOR + "\"").contains("user:" + dee);
        assertThat(jdbc.sql("""
                        select subject from mail_outbox
                        where tenant_id = :tenant and kind = 'ALERT' and recipient = :recipient
                          and subject like '%impersonating%'
                        """)
                .param("tenant", UUID.fromString(clinic.id())).param("recipient", colleague).query(String.class).list())
                .singleElement().asString().contains("platform operator " + OPERATOR + " started impersonating dr.dee")
                .doesNotContain(REASON);
        impersonationAlerts(false);
        UUID eve = fixtures.staff(clinic, "dr.eve", "provider");
        long mark = fixtures.lastSeq(clinic.id());
        assertThat(fixtures.impersonate(operator, clinic.slug(), eve, REASON).status()).isEqualTo(201);
        // The alerts' thread takes events in order: once a later rule's alert is in, this one was weighed.
        api.post(clinic.path("/audit/events"), clinic.adminToken(), json("action", "BREAK_GLASS_ACCESS", "user",
                clinic.adminId(), "resource", raw(json("type", "patient", "id", "9"))));
        assertThat(raisedAlerts("breakGlass")).hasSize(1);
        assertThat(fixtures.since(clinic.id(), mark, "ALERT_RAISED")).extracting(e -> e.details().at("/rule").asString())
                .containsExactly("breakGlass");
    }

    @Test
    void aChangeMadeThroughAnImpersonatedAdminCarriesTheOperatorLikeEveryEvent() {
        String admin = api.post(clinic.path("/users/" + clinic.adminId() + "/impersonation"), operator,
                json("reason", "seed 001: the admin asked for help adding a location")).text("/token");
        long mark = fixtures.lastSeq(clinic.id());

        Response created = api.post(clinic.path("/locations"), admin, json("name", "Made while impersonating"));

        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        Event event = fixtures.since(clinic.id(), mark, "LOCATION_CREATED").getFirst();
        assertThat(event.actorId()).isEqualTo(UUID.fromString(clinic.adminId()));
        assertThat(event.actorUsername()).isEqualTo(SignedInTenant.ADMIN);
        assertThat(event.details().at("/impersonatedBy/username").asString()).isEqualTo(OPERATOR);
        // The admin's own session writes no such thing.
        long own = fixtures.lastSeq(clinic.id());
        api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "Made by the admin"));
        assertThat(fixtures.since(clinic.id(), own, "LOCATION_CREATED").getFirst().details().has("impersonatedBy"))
                .isFalse();
        // An application's data-access event sent through the impersonation names the operator too.
        long beforeAccess = fixtures.lastSeq(clinic.id());
        Response recorded = api.post(clinic.path("/audit/events"), admin, json("action", "PATIENT_RECORD_VIEWED",
                "user", clinic.adminId(), "resource", raw(json("type", "patient", "id", "7"))));
        assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
        assertThat(fixtures.since(clinic.id(), beforeAccess, "PATIENT_RECORD_VIEWED").getFirst().details()
                .at("/impersonatedBy/username").asString()).isEqualTo(OPERATOR);
    }

    @Test
    void theUsersSessionListsShowTheImpersonationAndATenantAdminEndsIt() {
        UUID ben = fixtures.staff(clinic, "dr.ben", "provider");
        String own = api.login(clinic.slug(), "dr.ben", OperatorFixtures.PASSWORD);
        Response started = fixtures.impersonate(operator, clinic.slug(), ben, REASON);
        String token = started.text("/token");
        String session = started.text("/sessionId");

        Response listed = api.get(clinic.path("/users/" + ben + "/sessions"), clinic.adminToken());
        assertThat(listed.body().at("/total").asInt()).as(listed.raw()).isEqualTo(2);
        assertThat(listed.body().at("/items").values().stream()
                .filter(s -> s.at("/id").asString().equals(session)).findFirst().orElseThrow()
                .at("/impersonatedBy/username").asString()).isEqualTo(OPERATOR);
        Response mine = api.get("/api/v1/me/sessions", own);
        assertThat(mine.body().at("/items").values().stream()
                .filter(s -> s.at("/id").asString().equals(session)).findFirst().orElseThrow()
                .at("/impersonatedBy/username").asString()).as(mine.raw()).isEqualTo(OPERATOR);
        assertThat(mine.body().at("/items").values().stream()
                .filter(s -> s.at("/current").asBoolean()).findFirst().orElseThrow().has("impersonatedBy")).isFalse();
        Response audit = api.get(clinic.path("/audit?action=IMPERSONATION_STARTED"), clinic.adminToken());
        assertThat(audit.body().at("/items").size()).as("the tenant reads it in its own trail").isEqualTo(1);

        long mark = fixtures.lastSeq(clinic.id());
        Response ended = api.delete(clinic.path("/users/" + ben + "/sessions/" + session), clinic.adminToken());

        assertThat(ended.status()).as(ended.raw()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", own).status()).as("the user's own session goes on").isEqualTo(200);
        List<Event> written = fixtures.since(clinic.id(), mark);
        assertThat(written).extracting(Event::action).containsExactlyInAnyOrder("SESSION_REVOKED",
                "IMPERSONATION_ENDED");
        Event end = written.stream().filter(e -> e.action().equals("IMPERSONATION_ENDED")).findFirst().orElseThrow();
        assertThat(end.actorUsername()).as("the admin who ended it").isEqualTo(SignedInTenant.ADMIN);
        assertThat(end.details().at("/reason").asString()).isEqualTo("REVOKED");
        assertThat(end.details().at("/operator/username").asString()).isEqualTo(OPERATOR);
        assertThat(end.details().has("impersonatedBy")).as("the admin acted as themselves").isFalse();
    }

    @Test
    void anImpersonatedSessionCannotTouchTheUsersCredentialsNorImpersonateAgain() {
        UUID cy = fixtures.staff(clinic, "dr.cy", "provider");
        UUID other = fixtures.staff(clinic, "dr.dee", "provider");
        String token = fixtures.impersonate(operator, clinic.slug(), cy, REASON).text("/token");
        long mark = fixtures.lastSeq(clinic.id());
        long platformMark = fixtures.lastSeq(fixtures.platformId());

        record Attempt(String what, Supplier<Response> request, String named) {}
        List<Attempt> attempts = List.of(
                new Attempt("password change", () -> api.post("/api/v1/me/password", token, json("currentPassword",
                        OperatorFixtures.PASSWORD, "newPassword", "an operator's choice of password 42")),
                        "change the user's password"),
                new Attempt("authenticator enrolment", () -> api.post("/api/v1/me/mfa/totp", token, "{}"),
                        "enrol a second factor"),
                new Attempt("authenticator confirmation", () -> api.post("/api/v1/me/mfa/totp/confirm", token,
                        json("code", "123456")), "enrol a second factor"),
                new Attempt("second factor removal", () -> api.delete("/api/v1/me/mfa", token),
                        "remove the user's second factor"),
                new Attempt("recovery codes", () -> api.post("/api/v1/me/mfa/recovery-codes", token, "{}"),
                        "regenerate the user's recovery codes"),
                new Attempt("re-authentication", () -> api.post("/api/v1/me/reauthenticate", token,
                        json("password", "a guess at the user's password")), "prove the user's identity"),
                new Attempt("ending the user's other sessions", () -> api.delete("/api/v1/me/sessions", token),
                        "prove the user's identity"),
                new Attempt("another impersonation", () -> fixtures.impersonate(token, clinic.slug(), other, REASON),
                        "start an impersonation"),
                new Attempt("break-glass", () -> fixtures.breakGlass(token, clinic.slug(), other, REASON),
                        "use break-glass"));

        for (Attempt attempt : attempts) {
            Response refused = attempt.request().get();
            assertThat(refused.status()).as(attempt.what() + ": " + refused.raw()).isEqualTo(403);
            assertThat(refused.text("/title")).as(attempt.what()).isEqualTo("Not allowed while impersonating");
            assertThat(refused.text("/detail")).as(attempt.what()).contains(attempt.named()).contains(OPERATOR);
        }

        assertThat(fixtures.since(clinic.id(), mark)).as("refusals write nothing").isEmpty();
        assertThat(fixtures.since(fixtures.platformId(), platformMark)).isEmpty();
        assertThat(jdbc.sql("select failed_logins from users where id = :id").param("id", cy).query(Integer.class)
                .single()).as("the operator's guess did not count toward the user's lockout").isZero();
        assertThat(api.login(clinic.slug(), "dr.cy", OperatorFixtures.PASSWORD)).as("the password is unchanged")
                .isNotBlank();
        assertThat(api.get("/api/v1/me", token).status()).as("and the impersonation goes on").isEqualTo(200);
    }

    @Test
    void itLastsThirtyMinutesAtMostAndItsLapseIsRecordedOnce() {
        UUID eve = fixtures.staff(clinic, "dr.eve", "provider");
        Instant before = Instant.now();
        Response started = fixtures.impersonate(operator, clinic.slug(), eve, REASON);
        Instant expires = Instant.parse(started.text("/expiresAt"));
        String token = started.text("/token");
        String session = started.text("/sessionId");

        assertThat(expires).isBetween(before.plus(Duration.ofMinutes(30)).minusSeconds(1),
                Instant.now().plus(Duration.ofMinutes(30)));
        // Being used does not move the end (no sliding).
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(200);
        jdbc.sql("update sessions set last_seen_at = now() - interval '1 minute' where id = :id")
                .param("id", UUID.fromString(session)).update();
        fixtures.forget(clinic.id(), eve);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(200);
        Instant listedEnd = Instant.parse(api.get("/api/v1/me/sessions", token).body().at("/items/0/expiresAt")
                .asString());
        assertThat(listedEnd).isEqualTo(expires);

        jdbc.sql("update sessions set expires_at = now() - interval '1 second' where id = :id")
                .param("id", UUID.fromString(session)).update();
        fixtures.forget(clinic.id(), eve);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(401);
        long mark = fixtures.lastSeq(clinic.id());
        Sessions sessions = context.getBean(Sessions.class);
        sessions.endExpiredImpersonations(Instant.now());
        sessions.endExpiredImpersonations(Instant.now());

        List<Event> ended = fixtures.since(clinic.id(), mark, "IMPERSONATION_ENDED").stream()
                .filter(e -> e.details().at("/sessionId").asString().equals(session)).toList();
        // The node's own sweep may have got there first; either way, once.
        if (ended.isEmpty()) {
            ended = fixtures.since(clinic.id(), 0, "IMPERSONATION_ENDED");
        }
        assertThat(ended).hasSize(1);
        assertThat(ended.getFirst().actorUsername()).isEqualTo("system");
        assertThat(ended.getFirst().details().at("/reason").asString()).isEqualTo("EXPIRED");
        assertThat(ended.getFirst().details().at("/operator/username").asString()).isEqualTo(OPERATOR);
    }

    @Test
    void itStaysOutsideTheUsersCapOnConcurrentSessions() {
        assertThat(api.patch(clinic.path("/settings"), clinic.adminToken(), "{\"sessionPolicy\": {\"maxConcurrent\": 1}}")
                .status()).isEqualTo(200);
        UUID fay = fixtures.staff(clinic, "dr.fay", "provider");
        String impersonation = fixtures.impersonate(operator, clinic.slug(), fay, REASON).text("/token");

        String first = api.login(clinic.slug(), "dr.fay", OperatorFixtures.PASSWORD);
        String second = api.login(clinic.slug(), "dr.fay", OperatorFixtures.PASSWORD);

        assertThat(api.get("/api/v1/me", first).status()).as("the user's oldest own session made room").isEqualTo(401);
        assertThat(api.get("/api/v1/me", second).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", impersonation).status()).as("not theirs to count or end").isEqualTo(200);
    }

    @Test
    void aPlatformAdminMayImpersonateAndAnOperatorWithoutThePermissionIsRefusedOnTheRecord() {
        UUID gus = fixtures.staff(clinic, "dr.gus", "provider");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String platformAdmin = fixtures.operatorWithRole("ops-admin-" + suffix, "ADMIN");
        assertThat(fixtures.impersonate(platformAdmin, clinic.slug(), gus, REASON).status()).isEqualTo(201);

        String roleless = fixtures.operatorWithoutRoles("ops-none-" + suffix);
        long mark = fixtures.lastSeq(clinic.id());
        long platformMark = fixtures.lastSeq(fixtures.platformId());

        Response refused = fixtures.impersonate(roleless, clinic.slug(), gus, REASON);

        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.text("/detail")).contains("platform.impersonate");
        assertThat(fixtures.since(clinic.id(), mark)).isEmpty();
        List<Event> denied = fixtures.since(fixtures.platformId(), platformMark, "PERMISSION_DENIED");
        assertThat(denied).hasSize(1);
        assertThat(denied.getFirst().actorUsername()).isEqualTo("ops-none-" + suffix);
        assertThat(denied.getFirst().details().at("/permission").asString()).isEqualTo("platform.impersonate");
    }

    @Test
    void withoutARecentProofOfTheirOwnFactorTheOperatorMustReauthenticate() {
        UUID hal = fixtures.staff(clinic, "dr.hal", "provider");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String stale = fixtures.operatorWithRole("ops-stale-" + suffix, "ADMIN");
        fixtures.proofMinutesAgo(fixtures.userId(fixtures.platformId(), "ops-stale-" + suffix), 10);
        long mark = fixtures.lastSeq(clinic.id());

        Response refused = fixtures.impersonate(stale, clinic.slug(), hal, REASON);

        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.body().at("/reauthenticationRequired").asBoolean()).isTrue();
        assertThat(fixtures.since(clinic.id(), mark)).isEmpty();
        assertThat(api.post("/api/v1/me/reauthenticate", stale, json("password", OperatorFixtures.PASSWORD)).status())
                .isEqualTo(204);
        assertThat(fixtures.impersonate(stale, clinic.slug(), hal, REASON).status()).isEqualTo(201);
    }

    /** Every refusal: its status, the field or words of its problem document, and nothing in the trail. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a tenant's own admin                 | 403 | detail | only platform operators may start an impersonation
            a tenant's own admin naming its id   | 403 | detail | only platform operators
            another tenant's admin               | 404 | detail | does not exist
            an unknown tenant                    | 404 | detail | does not exist
            an unknown user                      | 404 | detail | does not exist
            a user id that is no id              | 404 | detail | does not exist
            the platform tenant itself           | 403 | detail | outside tenants
            a disabled user                      | 409 | detail | disabled
            a user locked by an admin            | 409 | detail | break-glass
            a user locked out by failed sign-ins | 409 | detail | break-glass
            an invited user                      | 409 | detail | invitation
            no body                              | 400 | field  | reason
            no reason                            | 400 | field  | reason
            a blank reason                       | 400 | field  | reason
            a reason of 501 characters           | 400 | field  | reason
            a reason that is a number            | 400 | field  | reason
            a body that is no JSON               | 400 | field  | body
            """)
    void refusesWithAProblemDocumentAndWritesNothing(String refusal, int status, String part, String expected) {
        UUID user = fixtures.staff(clinic, "staff.ivy", "provider");
        String path = clinic.path("/users/" + user + "/impersonation");
        String reason = json("reason", REASON);
        Supplier<Response> request = switch (refusal) {
            case "a tenant's own admin" -> () -> api.post(path, clinic.adminToken(), reason);
            case "a tenant's own admin naming its id" -> () -> api.post("/api/v1/tenants/" + clinic.id() + "/users/"
                    + user + "/impersonation", clinic.adminToken(), reason);
            // Told only what any unknown tenant would tell them: no hint that the clinic exists.
            case "another tenant's admin" -> {
                SignedInTenant other = SignedInTenant.create(api, operator, "rcm");
                yield () -> api.post(path, other.adminToken(), reason);
            }
            case "an unknown tenant" -> () -> fixtures.impersonate(operator, "no-such-tenant-here", user, REASON);
            case "an unknown user" -> () -> fixtures.impersonate(operator, clinic.slug(), UUID.randomUUID(), REASON);
            case "a user id that is no id" -> () -> fixtures.impersonate(operator, clinic.slug(), "not-an-id", REASON);
            case "the platform tenant itself" -> () -> fixtures.impersonate(operator, "platform",
                    fixtures.operatorId(), REASON);
            case "a disabled user" -> {
                assertThat(api.post(clinic.path("/users/" + user + "/disable"), clinic.adminToken(), "").status())
                        .isEqualTo(200);
                yield () -> api.post(path, operator, reason);
            }
            case "a user locked by an admin" -> {
                assertThat(api.post(clinic.path("/users/" + user + "/lock"), clinic.adminToken(), "").status())
                        .isEqualTo(200);
                yield () -> api.post(path, operator, reason);
            }
            case "a user locked out by failed sign-ins" -> {
                // As five wrong passwords leave it, written directly: their alert would land in the trail later.
                jdbc.sql("update users set failed_logins = 5, locked_until = now() + interval '15 minutes' where id = :id")
                        .param("id", user).update();
                yield () -> api.post(path, operator, reason);
            }
            case "an invited user" -> {
                Response invited = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "invited.ida",
                        "firstName", "Ida", "lastName", "Invited"));
                assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
                yield () -> fixtures.impersonate(operator, clinic.slug(), invited.text("/id"), REASON);
            }
            case "no body" -> () -> api.post(path, operator, "");
            case "no reason" -> () -> api.post(path, operator, "{}");
            case "a blank reason" -> () -> api.post(path, operator, json("reason", "   "));
            case "a reason of 501 characters" -> () -> api.post(path, operator, json("reason", "x".repeat(501)));
            case "a reason that is a number" -> () -> api.post(path, operator, "{\"reason\": 42}");
            case "a body that is no JSON" -> () -> api.post(path, operator, "{\"reason\": ");
            default -> throw new IllegalArgumentException(refusal);
        };
        long mark = fixtures.lastSeq(clinic.id());
        long platformMark = fixtures.lastSeq(fixtures.platformId());
        int sessions = sessionsOf(user);

        Response refused = request.get();

        assertThat(refused.status()).as(refused.raw()).isEqualTo(status);
        assertThat(refused.http().headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
        if (part.equals("field")) {
            assertThat(refused.text("/errors/0/field")).as(refused.raw()).isEqualTo(expected);
        } else {
            assertThat(refused.text("/detail")).as(refused.raw()).contains(expected);
        }
        assertThat(fixtures.since(clinic.id(), mark)).as("the tenant's trail").isEmpty();
        assertThat(fixtures.since(fixtures.platformId(), platformMark)).as("the platform's trail").isEmpty();
        assertThat(sessionsOf(user)).as("no session was opened").isEqualTo(sessions);
    }

    @Test
    void aLongestReasonOfFiveHundredCharactersIsAccepted() {
        UUID jo = fixtures.staff(clinic, "dr.jo", "provider");
        assertThat(fixtures.impersonate(operator, clinic.slug(), jo, "y".repeat(500)).status()).isEqualTo(201);
    }

    private int sessionsOf(UUID user) {
        return jdbc.sql("select count(*) from sessions where user_id = :user").param("user", user)
                .query(Integer.class).single();
    }

    /** Turns the clinic's impersonationStarted alert rule on or off (the others keep their defaults). */
    private void impersonationAlerts(boolean enabled) {
        Response put = api.put(clinic.path("/alerts"), clinic.adminToken(),
                json("rules", raw("{\"impersonationStarted\": {\"enabled\": " + enabled + "}}")));
        assertThat(put.status()).as(put.raw()).isEqualTo(200);
    }

    /** The details of the tenant's alerts of {@code rule}, once one is in (the alerts' own thread writes them). */
    private List<String> raisedAlerts(String rule) {
        Instant deadline = Instant.now().plusSeconds(20);
        List<String> raised = List.of();
        while (raised.isEmpty() && Instant.now().isBefore(deadline)) {
            raised = jdbc.sql("select details::text from alerts where tenant_id = :tenant and rule = :rule")
                    .param("tenant", UUID.fromString(clinic.id())).param("rule", rule).query(String.class).list();
            if (raised.isEmpty()) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
        return raised;
    }
}
