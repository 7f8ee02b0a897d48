package dev.gatehouse.server.authentication;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The single check is answered ahead of the security chain and Spring MVC (access.LeanCheckFilter,
 * docs/benchmarks.md); these tests hold that lean path to every rule of the full stack: the same
 * session, network and required-action rules, the same problem documents, the same answer and
 * security headers. CheckIT covers the decisions themselves, unknown and foreign tenants, and
 * the missing token.
 */
class CheckPathSecurityIT extends IntegrationTest {

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private AccessChanges changes;
    @Autowired
    private MeterRegistry meters;

    private SessionFixtures fixtures;
    private SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        fixtures = new SessionFixtures(api, jdbc, changes);
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    private Response check(String token, String body) {
        return api.post(clinic.path("/check"), token, body);
    }

    private static String about(String user) {
        return json("user", user, "permission", "patients.read");
    }

    @Test
    void theLeanPathAnswersExactlyAsTheFullStackDoes() {
        String body = json("user", "admin", "permission", "patients.read");
        long leanBefore = leanAnswers();
        long timedBefore = timedChecks();
        Response lean = check(clinic.adminToken(), body);
        assertThat(lean.status()).as(lean.raw()).isEqualTo(200);
        assertThat(leanAnswers()).isEqualTo(leanBefore + 1);
        // Still timed as every request is, under the controller's path pattern (after the answer is sent).
        await().atMost(Duration.ofSeconds(10)).until(() -> timedChecks() > timedBefore);

        // A body of unknown length (chunked) is left to the full stack.
        Response full = api.send(clinic.path("/check"), clinic.adminToken(), request -> request
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))));
        assertThat(full.status()).as(full.raw()).isEqualTo(200);
        assertThat(leanAnswers()).isEqualTo(leanBefore + 1);
        assertThat(lean.raw()).isEqualTo(full.raw());
        assertThat(headers(lean)).isEqualTo(headers(full));
        assertThat(headers(lean)).containsEntry("x-content-type-options", List.of("nosniff"))
                .containsEntry("x-frame-options", List.of("DENY")).containsKey("cache-control")
                .containsEntry("content-type", List.of("application/json"));
    }

    private long timedChecks() {
        return meters.find("http.server.requests").tag("uri", "/api/v1/tenants/{tenant}/check").timers().stream()
                .mapToLong(Timer::count).sum();
    }

    private long leanAnswers() {
        return (long) meters.find("gatehouse.check.lean").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** The response's headers but the ones that differ between any two responses. */
    private static Map<String, List<String>> headers(Response response) {
        Map<String, List<String>> headers = new TreeMap<>(response.http().headers().map());
        headers.keySet().removeAll(List.of("date", "content-length", "transfer-encoding", "keep-alive", "connection"));
        return headers;
    }

    @Test
    void anExpiredOrIdleSessionIsA401AndTheIdleOneEnds() {
        TestMembers.Member expired = fixtures.member(clinic, "exp.eve", "provider");
        jdbc.sql("update sessions set expires_at = now() - interval '1 second' where user_id = :user")
                .param("user", UUID.fromString(expired.id())).update();
        fixtures.forget(clinic, expired.id());
        assertThat(check(expired.token(), about("exp.eve")).status()).isEqualTo(401);

        TestMembers.Member idle = fixtures.member(clinic, "idle.ian", "provider");
        fixtures.lastSeenMinutesAgo(clinic, idle.id(), 31);
        Response answer = check(idle.token(), about("idle.ian"));
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.text("/title")).isEqualTo("Unauthorized");
        assertThat(jdbc.sql("select end_reason from sessions where user_id = :user and ended_at is not null")
                .param("user", UUID.fromString(idle.id())).query(String.class).list()).containsOnlyOnce("IDLE_TIMEOUT");
    }

    @Test
    void aLockedUsersSessionChecksNothing() {
        TestMembers.Member desk = fixtures.member(clinic, "lock.lea", "front_desk");
        assertThat(check(desk.token(), about("lock.lea")).status()).isEqualTo(200);
        Response locked = api.post(clinic.path("/users/" + desk.id() + "/lock"), clinic.adminToken(), "");
        assertThat(locked.status()).as(locked.raw()).isEqualTo(200);
        assertThat(check(desk.token(), about("lock.lea")).status()).isEqualTo(401);
    }

    @Test
    void aTokenWithAPendingPasswordChangeMayNotCheck() {
        String initial = "handed over for the first sign-in";
        Response created = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "new.nat",
                "firstName", "New", "lastName", "Nat", "password", initial));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String first = api.login(clinic.slug(), "new.nat", initial);

        Response answer = check(first, about("new.nat"));
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text("/title")).isEqualTo("Required actions pending");
        assertThat(answer.text("/detail")).contains("CHANGE_PASSWORD");
    }

    @Test
    void fromOutsideTheAllowlistTheCheckIsRefusedAndRecordedOnce() {
        TestMembers.Member member = fixtures.member(clinic, "away.abe", "provider");
        fixtures.store(clinic, "ipAllowlist", "[\"10.0.0.0/8\"]");

        Response answer = check(member.token(), about("away.abe"));
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text("/title")).isEqualTo("Network not allowed");
        assertThat(fixtures.audited(clinic, "REQUEST_REFUSED_IP", "/check")).isEqualTo(1);
    }

    @Test
    void badInputIsTheFullStacksProblemDocument() {
        String admin = clinic.adminToken();
        Response malformed = check(admin, "{\"user\": \"admin\", ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.http().headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(malformed.text("/errors/0/field")).isEqualTo("body");
        assertThat(malformed.text("/instance")).isEqualTo(clinic.path("/check"));

        Response wrongType = check(admin, "{\"user\": {\"id\": 1}, \"permission\": \"patients.read\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.text("/errors/0/field")).isEqualTo("user");

        Response missing = check(admin, json("user", "admin"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.text("/errors/0/field")).isEqualTo("permission");
    }

    @Test
    void anotherContentTypeOrMethodIsRefusedAsOnEveryEndpoint() {
        Response text = api.send(clinic.path("/check"), clinic.adminToken(), request -> request
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(about("admin"))));
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.text("/title")).isEqualTo("Unsupported media type");

        Response get = api.get(clinic.path("/check"), clinic.adminToken());
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.text("/title")).isEqualTo("Method not allowed");
    }

    @Test
    void aCheckAboutAnotherUserWithoutAccessCheckIsForbiddenAndAnUnknownUserNotFound() {
        TestMembers.Member member = fixtures.member(clinic, "plain.pam", "provider");
        Response others = check(member.token(), about("admin"));
        assertThat(others.status()).isEqualTo(403);
        assertThat(others.text("/detail")).contains("access.check");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "PERMISSION_DENIED")).as("the refusal, recorded once")
                .singleElement().satisfies(event -> assertThat(event.actor()).isEqualTo("plain.pam"));

        Response unknown = check(clinic.adminToken(), about("nobody-here"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("/errors/0/field")).isEqualTo("user");
    }
}
