package dev.gatehouse.server.authentication;

import static dev.gatehouse.server.authentication.SignInFixtures.PASSWORD;
import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.JsonNode;

/**
 * Device awareness (issue 15): a sign-in from a new device or network mails the user, is audited and
 * asks the second factor they have; sessions bound to their device; known devices listed and forgotten.
 * Every IT client is Java's HTTP client from 127.0.0.1: a member's first sign-in (on creation, without
 * a device id) makes that fingerprint and network known, and a device header makes a new device.
 */
class DevicesIT extends IntegrationTest {

    private static final String PHONE = "phone-0123456789abcdef";
    private static final String LAPTOP = "laptop-0123456789abcdef";
    private static final String THIEF = "thief-0123456789abcdef0";
    private static final String SUBJECT = "New sign-in to your account";

    @Autowired
    JdbcClient jdbc;
    @Autowired
    SignInService signIn;
    @Autowired
    DataSource dataSource;

    SignInFixtures fixtures;
    SignedInTenant tenant;

    @BeforeEach
    void tenant() {
        fixtures = new SignInFixtures(api, jdbc);
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @Test
    void aNewDeviceAsksForTheSecondFactorTheUserHasAndOnceKnownItDoesNot() {
        settings("{\"mfaPolicy\": {\"methods\": [\"TOTP\", \"EMAIL_CODE\"]}}");
        var ana = fixtures.member(tenant, "ana");
        assertThat(newDeviceEvents(ana.id())).as("the first sign-in has nothing to be new against").isZero();
        // The same client again (its fingerprint, its network) is known: one step, as before.
        assertThat(login("ana", null).has("token")).isTrue();

        JsonNode first = login("ana", PHONE);
        assertThat(first.path("mfaRequired").asBoolean()).as(first.toString()).isTrue();
        assertThat(first.has("token")).isFalse();
        assertThat(newDeviceEvents(ana.id())).isEqualTo(1);
        assertThat(mails("ana")).isEqualTo(1);
        assertThat(lastMail("ana")).contains("Java client").contains("127.0.0.1").contains("not you")
                .contains("/console/forgot-password");

        // Asked, not yet known: the first step alone, repeated, never makes the device known.
        assertThat(login("ana", PHONE).path("mfaRequired").asBoolean()).isTrue();

        String mfaToken = first.path("mfaToken").asString();
        assertThat(api.post("/api/v1/auth/mfa/email", null, json("mfaToken", mfaToken)).status()).isEqualTo(202);
        Matcher code = Pattern.compile("(?<![-\\w])(\\d{8})(?![-\\w])").matcher(codeMail("ana"));
        assertThat(code.find()).isTrue();
        Response second = on(PHONE, "/api/v1/auth/mfa", null, json("mfaToken", mfaToken, "code", code.group(1)));
        assertThat(second.status()).as(second.raw()).isEqualTo(200);

        // Known now: the next sign-in on the phone is one step, mails nobody and records nothing new.
        JsonNode again = login("ana", PHONE);
        assertThat(again.has("token")).as(again.toString()).isTrue();
        assertThat(newDeviceEvents(ana.id())).isEqualTo(2);
        assertThat(mails("ana")).isEqualTo(2);

        Response devices = on(PHONE, "/api/v1/me/devices", again.path("token").asString(), null);
        assertThat(devices.status()).isEqualTo(200);
        assertThat(devices.body().path("total").asInt()).isEqualTo(2);
        JsonNode phone = find(devices.body().path("items"), true);
        assertThat(phone.path("identified").asBoolean()).isTrue();
        assertThat(phone.path("label").asString()).isEqualTo("Java client");
        assertThat(find(devices.body().path("items"), false).path("identified").asBoolean()).isFalse();
    }

    @Test
    void aUserWithoutAnySecondFactorIsToldButCannotBeAskedAndATenantMayNotAsk() {
        var ben = fixtures.member(tenant, "ben");
        JsonNode signedIn = login("ben", PHONE);
        assertThat(signedIn.has("token")).as("no second factor to ask for").isTrue();
        assertThat(newDeviceEvents(ben.id())).isEqualTo(1);
        assertThat(mails("ben")).isEqualTo(1);
        assertThat(jdbc.sql("""
                        select details ->> 'mailed' from audit_events
                        where target_id = :user and action = 'NEW_DEVICE_SIGN_IN'
                        """).param("user", ben.id()).query(String.class).single()).isEqualTo("true");

        settings("{\"mfaPolicy\": {\"methods\": [\"TOTP\", \"EMAIL_CODE\"]},"
                + " \"sessionPolicy\": {\"newDeviceSecondFactor\": false}}");
        assertThat(login("ben", LAPTOP).has("token")).as("the tenant does not ask on new devices").isTrue();
        assertThat(newDeviceEvents(ben.id())).isEqualTo(2);

        // A user with an authenticator app is asked on every sign-in anyway.
        var cleo = fixtures.memberWithMfa(tenant, "cleo");
        assertThat(login("cleo", PHONE).path("mfaRequired").asBoolean()).isTrue();
        assertThat(newDeviceEvents(cleo.id())).isEqualTo(1);
    }

    @Test
    void aNetworkNotUsedForTheSetNumberOfDaysIsNewAgainAndIsMailed() {
        var dora = fixtures.member(tenant, "dora");
        assertThat(login("dora", null).has("token")).isTrue();
        assertThat(newDeviceEvents(dora.id())).isZero();

        // 127.0.0.0/24 last used 91 days ago, past the default of 90.
        jdbc.sql("update known_networks set last_seen_at = last_seen_at - interval '91 days' where user_id = :user")
                .param("user", UUID.fromString(dora.id())).update();
        assertThat(login("dora", null).has("token")).isTrue();
        assertThat(newDeviceEvents(dora.id())).isEqualTo(1);
        String details = jdbc.sql("select details::text from audit_events where target_id = :user"
                        + " and action = 'NEW_DEVICE_SIGN_IN'").param("user", dora.id()).query(String.class).single();
        assertThat(details).contains("\"newNetwork\": true").contains("\"newDevice\": false")
                .contains("\"network\": \"127.0.0.0/24\"");
        assertThat(mails("dora")).isEqualTo(1);
        assertThat(lastMail("dora")).contains("a network your account has not signed in from in the last 90 days");

        // The completed sign-in made the network current again.
        assertThat(login("dora", null).has("token")).isTrue();
        assertThat(newDeviceEvents(dora.id())).isEqualTo(1);
    }

    @Test
    void aFloodOfSignInsFromNewDevicesMailsThreeTimesAnHourAndRecordsEveryOne() {
        var emil = fixtures.member(tenant, "emil");
        for (int i = 0; i < 6; i++) {
            assertThat(login("emil", "flood-device-000000" + i).has("token")).isTrue();
        }
        assertThat(newDeviceEvents(emil.id())).isEqualTo(6);
        assertThat(mails("emil")).isEqualTo(NewDevices.MAILS_PER_HOUR);
        assertThat(jdbc.sql("""
                        select count(*) from audit_events
                        where target_id = :user and action = 'NEW_DEVICE_SIGN_IN' and details ->> 'mailed' = 'false'
                        """).param("user", emil.id()).query(Integer.class).single()).isEqualTo(3);
    }

    @Test
    void aBoundSessionReplayedWithAnotherOrNoDeviceIdEndsAndAnUnboundOneDoesNot() {
        var fay = fixtures.member(tenant, "fay");
        // Off by default: a token opened with a device id works from anywhere.
        String loose = login("fay", PHONE).path("token").asString();
        assertThat(on(THIEF, "/api/v1/me", loose, null).status()).isEqualTo(200);

        settings("{\"sessionPolicy\": {\"bindToDevice\": true}}");
        String bound = login("fay", PHONE).path("token").asString();
        assertThat(on(PHONE, "/api/v1/me", bound, null).status()).isEqualTo(200);
        assertThat(on(THIEF, "/api/v1/me", bound, null).status()).isEqualTo(401);
        // The replay ended the session: the phone itself is signed out.
        assertThat(on(PHONE, "/api/v1/me", bound, null).status()).isEqualTo(401);
        assertThat(jdbc.sql("select count(*) from audit_events where action = 'SESSION_DEVICE_MISMATCH'"
                        + " and tenant_id = :tenant").param("tenant", UUID.fromString(tenant.id()))
                .query(Integer.class).single()).isEqualTo(1);

        String again = login("fay", PHONE).path("token").asString();
        assertThat(api.get("/api/v1/me", again).status()).as("no device id at all").isEqualTo(401);
        assertThat(on(PHONE, "/api/v1/me", again, null).status()).isEqualTo(401);

        // A session opened without a device id has nothing to be bound to.
        String unbound = api.login(tenant.slug(), "fay", PASSWORD);
        assertThat(on(THIEF, "/api/v1/me", unbound, null).status()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from sessions where user_id = :user and end_reason = 'DEVICE_MISMATCH'")
                .param("user", UUID.fromString(fay.id())).query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void forgettingADeviceEndsItsSessionsAndAnotherUsersDeviceIsNotFound() {
        var gil = fixtures.member(tenant, "gil");
        String onPhone = login("gil", PHONE).path("token").asString();
        String onLaptop = login("gil", LAPTOP).path("token").asString();

        Response sessions = on(LAPTOP, "/api/v1/me/sessions", onLaptop, null);
        assertThat(sessions.status()).isEqualTo(200);
        JsonNode current = null;
        for (JsonNode session : sessions.body().path("items")) {
            if (session.path("current").asBoolean()) {
                current = session;
            }
        }
        assertThat(current).isNotNull();
        assertThat(current.path("device").path("label").asString()).isEqualTo("Java client");
        assertThat(current.path("device").path("thisDevice").asBoolean()).isTrue();
        assertThat(current.path("device").path("firstSeenAt").isString()).isTrue();

        JsonNode devices = on(LAPTOP, "/api/v1/me/devices", onLaptop, null).body().path("items");
        assertThat(devices.size()).isEqualTo(3);
        String phone = null;
        for (JsonNode device : devices) {
            Response one = on(LAPTOP, "/api/v1/me/devices/" + device.path("id").asString(), onLaptop, null);
            assertThat(one.status()).isEqualTo(200);
            if (!device.path("thisDevice").asBoolean() && device.path("identified").asBoolean()) {
                phone = device.path("id").asString();
            }
        }
        assertThat(phone).isNotNull();

        // Another user of the tenant: neither sees nor forgets gil's device.
        var hana = fixtures.member(tenant, "hana");
        assertThat(api.get("/api/v1/me/devices/" + phone, hana.token()).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/me/devices/" + phone, hana.token()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/me/devices/" + UUID.randomUUID(), onLaptop).status()).isEqualTo(404);
        assertThat(on(PHONE, "/api/v1/me", onPhone, null).status()).isEqualTo(200);

        assertThat(delete(LAPTOP, "/api/v1/me/devices/" + phone, onLaptop).status()).isEqualTo(204);
        assertThat(on(PHONE, "/api/v1/me", onPhone, null).status()).as("the phone's session ended").isEqualTo(401);
        assertThat(on(LAPTOP, "/api/v1/me", onLaptop, null).status()).isEqualTo(200);
        assertThat(on(LAPTOP, "/api/v1/me/devices/" + phone, onLaptop, null).status()).isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from audit_events where action = 'DEVICE_FORGOTTEN' and target_id = :id")
                .param("id", phone).query(Integer.class).single()).isEqualTo(1);

        // Forgotten: the phone is a new device again.
        int before = newDeviceEvents(gil.id());
        login("gil", PHONE);
        assertThat(newDeviceEvents(gil.id())).isEqualTo(before + 1);
    }

    @Test
    void aSignInProvedByAnIdentityProviderFollowsTheSameRule() {
        settings("{\"mfaPolicy\": {\"methods\": [\"TOTP\", \"EMAIL_CODE\"]}}");
        var ivo = fixtures.member(tenant, "ivo");
        TenantId id = new TenantId(UUID.fromString(tenant.id()));
        // A browser the user never signed in on, from another network.
        MockHttpServletRequest browser = new MockHttpServletRequest();
        browser.setRemoteAddr("203.0.113.7");
        browser.addHeader("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36");
        assertThat(signIn.external(id, UUID.fromString(ivo.id()), "OIDC", false, "Entra", browser))
                .as("the provider proved no second factor: the e-mailed code is asked").isInstanceOf(SignIn.SecondStep.class);
        assertThat(newDeviceEvents(ivo.id())).isEqualTo(1);
        assertThat(lastMail("ivo")).contains("Chrome on Windows").contains("203.0.113.7");

        // A proof that covered a second factor is not asked again, but the user is still told.
        assertThat(signIn.external(id, UUID.fromString(ivo.id()), "OIDC", true, "Entra", browser))
                .isInstanceOf(SignIn.Signed.class);
        assertThat(newDeviceEvents(ivo.id())).isEqualTo(2);
        // Now known, the browser and its network sign in without a second step or a mail.
        assertThat(signIn.external(id, UUID.fromString(ivo.id()), "OIDC", false, "Entra", browser))
                .isInstanceOf(SignIn.Signed.class);
        assertThat(newDeviceEvents(ivo.id())).isEqualTo(2);
        assertThat(mails("ivo")).isEqualTo(2);
    }

    /**
     * Issue 17: a sign-in reads the user's devices with the account's row lock only when it gets the lock
     * at once. Here another attempt holds it and, before letting go, makes this very device known (as its
     * completed sign-in would); the waiting sign-in must see that, which a statement that waited for the
     * lock would not (it reads other tables as they were when it started).
     */
    @Test
    void aSignInThatWaitsForAnotherAttemptOnTheAccountSeesTheDeviceThatAttemptMadeKnown() throws Exception {
        var fay = fixtures.member(tenant, "fay");
        UUID user = UUID.fromString(fay.id());
        CompletableFuture<JsonNode> waiting;
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement(
                    "select id from users where tenant_id = ? and id = ? for update")) {
                lock.setObject(1, UUID.fromString(tenant.id()));
                lock.setObject(2, user);
                assertThat(lock.executeQuery().next()).isTrue();
            }
            try (PreparedStatement known = other.prepareStatement("""
                    insert into known_devices (tenant_id, id, user_id, device_hash, identified, label, first_seen_at,
                        last_seen_at, last_ip)
                    values (?, gen_random_uuid(), ?, ?, true, 'Java client', now(), now(), '127.0.0.1')
                    """)) {
                known.setObject(1, UUID.fromString(tenant.id()));
                known.setObject(2, user);
                known.setBytes(3, DeviceIds.hash(user, PHONE, "Java client"));
                assertThat(known.executeUpdate()).isOne();
            }
            waiting = CompletableFuture.supplyAsync(() -> login("fay", PHONE));
            // Until the sign-in waits for the row lock (bounded: no answer in time fails the test).
            for (int i = 0; i < 600 && !waitsForARowLock(); i++) {
                Thread.sleep(50);
            }
            assertThat(waitsForARowLock()).as("the sign-in waits for the account's row lock").isTrue();
            other.commit();
        }
        JsonNode signedIn = waiting.get(60, TimeUnit.SECONDS);
        assertThat(signedIn.has("token")).as(signedIn.toString()).isTrue();
        assertThat(newDeviceEvents(fay.id())).as("the device was known when the sign-in got the lock").isZero();
        assertThat(mails("fay")).isZero();
    }

    private boolean waitsForARowLock() {
        return jdbc.sql("""
                        select count(*) from pg_stat_activity
                        where wait_event_type = 'Lock' and query like '%from users u%for update%'
                        """).query(Integer.class).single() > 0;
    }

    @Test
    void newSettingsAreCheckedAndAnswered() {
        Response read = api.get(tenant.path("/settings"), tenant.adminToken());
        assertThat(read.body().path("sessionPolicy").path("newDeviceSecondFactor").asBoolean()).isTrue();
        assertThat(read.body().path("sessionPolicy").path("bindToDevice").asBoolean()).isFalse();
        assertThat(read.body().path("sessionPolicy").path("knownNetworkDays").asInt()).isEqualTo(90);
        Response wrong = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"sessionPolicy\": {\"knownNetworkDays\": 0}}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.text("/errors/0/field")).isEqualTo("sessionPolicy.knownNetworkDays");
        Response notFlag = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"sessionPolicy\": {\"bindToDevice\": \"yes\"}}");
        assertThat(notFlag.status()).isEqualTo(400);
        assertThat(notFlag.text("/errors/0/field")).isEqualTo("sessionPolicy.bindToDevice");
    }

    private void settings(String patch) {
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(), patch);
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
    }

    /** The body of a sign-in, from the device with that id (none: no header). */
    private JsonNode login(String username, @Nullable String device) {
        Response response = on(device, "/api/v1/auth/login", null,
                json("tenant", tenant.slug(), "username", username, "password", PASSWORD));
        assertThat(response.status()).as(response.raw()).isEqualTo(200);
        return response.body();
    }

    /** A GET (no body) or POST of JSON, with {@code X-Gatehouse-Device} when {@code device} is given. */
    private Response on(@Nullable String device, String path, @Nullable String token, @Nullable String body) {
        return api.send(path, token, request -> {
            HttpRequest.Builder shaped = body == null ? request.GET()
                    : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            return device == null ? shaped : shaped.header("X-Gatehouse-Device", device);
        });
    }

    private Response delete(String device, String path, String token) {
        return api.send(path, token, request -> request.DELETE().header("X-Gatehouse-Device", device));
    }

    private static JsonNode find(JsonNode items, boolean identified) {
        for (JsonNode item : items) {
            if (item.path("identified").asBoolean() == identified) {
                return item;
            }
        }
        throw new AssertionError("no device with identified = " + identified + " in " + items);
    }

    private int newDeviceEvents(String user) {
        return fixtures.events(tenant.id(), user, "NEW_DEVICE_SIGN_IN");
    }

    private int mails(String username) {
        return jdbc.sql("select count(*) from mail_outbox where recipient = :to and subject = :subject")
                .param("to", address(username)).param("subject", SUBJECT).query(Integer.class).single();
    }

    private String lastMail(String username) {
        List<String> bodies = QueuedMail.in(context).bodies("recipient = :to and subject = :subject",
                Map.of("to", address(username), "subject", SUBJECT));
        assertThat(bodies).isNotEmpty();
        return bodies.getLast();
    }

    private String codeMail(String username) {
        List<String> bodies = QueuedMail.in(context).bodies("recipient = :to and kind = 'ONE_TIME_CODE'",
                Map.of("to", address(username)));
        assertThat(bodies).hasSize(1);
        return bodies.getFirst();
    }

    private String address(String username) {
        return username + "@" + tenant.slug() + ".example";
    }
}
