package dev.gatehouse.server.temporaryaccess;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Elevation requests over the API (issue 13; seed 000: separation of duties, time-bound access): a
 * person asks for a role for some minutes; another person who may give that role approves; it ends
 * by itself, or after one use. Tried as an attacker would, too.
 */
class ElevationsIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TestClock clock;

    TemporaryAccessFixtures f;

    @BeforeEach
    void clinic() {
        f = TemporaryAccessFixtures.clinic(api, operatorToken());
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private List<String> mails(String recipientPart) {
        return QueuedMail.in(context).where("tenant_id = :t and recipient like :r",
                        Map.of("t", UUID.fromString(f.clinic().id()), "r", "%" + recipientPart + "%"))
                .stream().map(QueuedMail.Message::text).toList();
    }

    /** The requests for a role that {@code recipientPart} was asked to decide. */
    private List<String> asks(String recipientPart) {
        return mails(recipientPart).stream().filter(m -> m.contains("petra asks for role")).toList();
    }

    private Response ask(String token, Object... body) {
        return api.post(f.clinic().path("/elevation-requests"), token, json(body));
    }

    private Response decide(String token, String id, String how) {
        return api.post(f.clinic().path("/elevation-requests/" + id + "/" + how), token, json("note", "ok"));
    }

    @Test
    void anotherPersonApprovesAndTheRoleHoldsForItsMinutesOnly() {
        TestMembers.Member petra = f.provider();
        assertThat(f.may(petra.token(), petra.id(), "patients.read", f.downtown())).as("before").isFalse();
        Response asked = ask(petra.token(), "role", "manager", "location", f.downtown(), "reason",
                "covering the front office", "minutes", 30);
        assertThat(asked.status()).as(asked.raw()).isEqualTo(201);
        assertThat(asked.text("/status")).isEqualTo("PENDING");
        String id = asked.text("/id");
        assertThat(asked.body().at("/mayDecide").asBoolean()).isFalse();

        Response own = decide(petra.token(), id, "approve");
        assertThat(own.status()).as("separation of duties").isEqualTo(403);
        assertThat(own.text("/detail")).contains("your own elevation request");
        assertThat(decide(f.manager().token(), id, "approve").status()).as("no roles.assign: not hers to see")
                .isEqualTo(404);
        Response queue = api.get(f.clinic().path("/elevation-requests?status=PENDING"), f.clinic().adminToken());
        assertThat(queue.body().at("/total").asLong()).isOne();
        assertThat(queue.body().at("/items/0/mayDecide").asBoolean()).isTrue();
        assertThat(mails("admin")).as("the approvers are told").anyMatch(m -> m.contains("petra asks for role manager"));

        Response approved = decide(f.clinic().adminToken(), id, "approve");
        assertThat(approved.status()).as(approved.raw()).isEqualTo(200);
        assertThat(approved.text("/status")).isEqualTo("APPROVED");
        assertThat(f.may(petra.token(), petra.id(), "patients.read", f.downtown())).as("elevated").isTrue();
        assertThat(f.may(petra.token(), petra.id(), "patients.read", f.uptown())).as("only there").isFalse();
        assertThat(api.get(f.clinic().path("/users/" + petra.id() + "/roles"), f.clinic().adminToken()).raw())
                .contains("\"source\":\"ELEVATION\"");
        assertThat(decide(f.clinic().adminToken(), id, "approve").status()).as("decided once").isEqualTo(409);
        assertThat(mails("petra")).anyMatch(m -> m.contains("was approved") && m.contains("30 minutes"));

        clock.moveAhead(Duration.ofMinutes(31));
        assertThat(f.may(petra.signIn(), petra.id(), "patients.read", f.downtown())).as("expired").isFalse();
        assertThat(api.get(f.clinic().path("/elevation-requests/" + id), petra.signIn()).text("/status"))
                .isEqualTo("EXPIRED");
        assertThat(RecordedAudit.actions(jdbc, f.clinic().id())).containsSubsequence("ELEVATION_REQUESTED", "ELEVATION_APPROVED");
        RecordedAudit.Event requested = RecordedAudit.only(jdbc, f.clinic().id(), "ELEVATION_REQUESTED");
        assertThat(requested.actor()).isEqualTo("petra");
        assertThat(requested.details().path("reason").asString()).isEqualTo("covering the front office");
        RecordedAudit.Event approvedEvent = RecordedAudit.only(jdbc, f.clinic().id(), "ELEVATION_APPROVED");
        assertThat(approvedEvent.actor()).isEqualTo(SignedInTenant.ADMIN);
        assertThat(approvedEvent.targetId()).isEqualTo(petra.id());
        assertThat(approvedEvent.details().path("role").asString()).isEqualTo("manager");
        assertThat(approvedEvent.details().path("minutes").asInt()).isEqualTo(30);
        assertThat(approvedEvent.details().path("note").asString()).isEqualTo("ok");
    }

    @Test
    void aDeniedRequestGivesNothingAndTellsTheRequester() {
        TestMembers.Member petra = f.provider();
        String id = ask(petra.token(), "role", "manager", "location", f.downtown(), "reason", "r", "minutes", 30)
                .text("/id");
        Response denied = decide(f.clinic().adminToken(), id, "deny");
        assertThat(denied.status()).as(denied.raw()).isEqualTo(200);
        assertThat(denied.text("/status")).isEqualTo("DENIED");
        assertThat(denied.text("/decidedBy/username")).isEqualTo(SignedInTenant.ADMIN);
        assertThat(f.may(petra.token(), petra.id(), "patients.read", f.downtown())).isFalse();
        assertThat(decide(f.clinic().adminToken(), id, "approve").status()).isEqualTo(409);
        assertThat(mails("petra")).anyMatch(m -> m.contains("was denied"));
        assertThat(RecordedAudit.actions(jdbc, f.clinic().id())).contains("ELEVATION_DENIED").doesNotContain("ELEVATION_APPROVED");
        assertThat(RecordedAudit.only(jdbc, f.clinic().id(), "ELEVATION_DENIED").actor()).isEqualTo(SignedInTenant.ADMIN);
    }

    @Test
    void aOneTimeElevationAllowsOnceThenNeverAgain() {
        TestMembers.Member petra = f.provider();
        String id = ask(petra.token(), "role", "manager", "location", f.downtown(), "reason", "one chart",
                "minutes", 60, "oneTime", true).text("/id");
        assertThat(decide(f.clinic().adminToken(), id, "approve").status()).isEqualTo(200);
        assertThat(f.may(petra.token(), petra.id(), "patients.read", f.uptown())).as("a deny uses nothing").isFalse();
        assertThat(f.may(petra.token(), petra.id(), "patients.read", f.downtown())).as("first use").isTrue();
        assertThat(f.may(petra.token(), petra.id(), "patients.read", f.downtown())).as("used").isFalse();
        assertThat(api.get(f.clinic().path("/elevation-requests/" + id), petra.token()).text("/status"))
                .isEqualTo("USED");
        RecordedAudit.Event used = RecordedAudit.only(jdbc, f.clinic().id(), "ELEVATION_USED");
        assertThat(used.actor()).as("the one who used it").isEqualTo("petra");
        assertThat(used.details().path("oneTime").asBoolean()).isTrue();
    }

    @Test
    void namingFieldsInTheCheckIsNoWayToUseAOneTimeElevationTwice() {
        TestMembers.Member petra = f.provider();
        String id = ask(petra.token(), "role", "manager", "location", f.downtown(), "reason", "one chart",
                "minutes", 60, "oneTime", true).text("/id");
        assertThat(decide(f.clinic().adminToken(), id, "approve").status()).isEqualTo(200);
        String withFields = json("user", petra.id(), "permission", "patients.read", "fields", raw("[\"insurance\"]"),
                "resource", raw(json("type", "patient", "id", "123", "location", f.downtown())));

        Response first = api.post(f.clinic().path("/check"), petra.token(), withFields);
        assertThat(first.body().at("/allowed").asBoolean()).as(first.raw()).isTrue();
        assertThat(first.raw()).as("the manager's insurance field, through the elevation").contains("insurance");
        Response second = api.post(f.clinic().path("/check"), petra.token(), withFields);
        assertThat(second.body().at("/allowed").asBoolean()).as(second.raw()).isFalse();
        assertThat(second.body().at("/fields/allowed")).as("no field of a denied permission").isEmpty();
        assertThat(api.get(f.clinic().path("/elevation-requests/" + id), petra.token()).text("/status"))
                .isEqualTo("USED");
    }

    @Test
    void nobodyApprovesARoleBeyondTheirOwnAccess() {
        Response deputy = api.post(f.clinic().path("/roles"), f.clinic().adminToken(), json("key", "deputy", "name",
                "Deputy", "description", "gives front desk roles", "inherits", raw("[\"provider\", \"front_desk\"]"),
                "grants", raw("[{\"permission\": \"roles.assign\"}, {\"permission\": \"users.read\"}]")));
        assertThat(deputy.status()).as(deputy.raw()).isEqualTo(201);
        TestMembers.Member vic = TestMembers.member("vic").holding("deputy").create(api, f.clinic());
        TestMembers.Member petra = f.provider();

        String beyond = ask(petra.token(), "role", "manager", "location", f.downtown(), "reason", "r", "minutes", 30)
                .text("/id");
        Response refused = decide(vic.token(), beyond, "approve");
        assertThat(refused.status()).as(refused.raw()).isIn(403, 404);
        assertThat(f.may(petra.token(), petra.id(), "patients.read", f.downtown())).isFalse();

        String within = ask(petra.token(), "role", "front_desk", "location", f.downtown(), "reason", "r", "minutes",
                30).text("/id");
        Response queue = api.get(f.clinic().path("/elevation-requests"), vic.token());
        assertThat(queue.raw()).as("vic sees only what he may decide").contains(within).doesNotContain(beyond);
        Response approved = decide(vic.token(), within, "approve");
        assertThat(approved.status()).as(approved.raw()).isEqualTo(200);
        assertThat(f.may(petra.token(), petra.id(), "appointments.check_in", f.downtown())).isTrue();
    }

    @Test
    void aRequestGoesUpTheApprovalChainToTheRequestersManagerWhenTheyMayDecideIt() {
        Response deputy = api.post(f.clinic().path("/roles"), f.clinic().adminToken(), json("key", "deputy", "name",
                "Deputy", "description", "gives front desk roles", "inherits", raw("[\"provider\", \"front_desk\"]"),
                "grants", raw("[{\"permission\": \"roles.assign\"}, {\"permission\": \"users.read\"}]")));
        assertThat(deputy.status()).as(deputy.raw()).isEqualTo(201);
        TestMembers.Member vic = TestMembers.member("vic").holding("deputy").withEmail().create(api, f.clinic());
        TestMembers.Member petra = f.provider();
        Response managed = api.patch(f.clinic().path("/users/" + petra.id()), f.clinic().adminToken(),
                json("managerId", vic.id()));
        assertThat(managed.status()).as(managed.raw()).isEqualTo(200);

        assertThat(ask(petra.token(), "role", "front_desk", "location", f.downtown(), "reason", "cover", "minutes", 30)
                .status()).isEqualTo(201);
        assertThat(asks("vic")).as("her manager may decide it: asked first").hasSize(1);
        assertThat(asks("admin")).as("nobody else is asked while the chain can decide").isEmpty();

        assertThat(ask(petra.token(), "role", "manager", "location", f.downtown(), "reason", "cover", "minutes", 30)
                .status()).isEqualTo(201);
        assertThat(asks("vic")).as("beyond her manager's own access: not his to decide").hasSize(1);
        assertThat(asks("admin")).as("then everyone who may decide it is asked").hasSize(1);
    }

    @Test
    void badRequestsAreA400NamingTheFieldAndForeignIdsA404() {
        String petra = f.provider().token();
        assertThat(ask(petra, "role", "manager", "reason", "r", "minutes", 0).text("/errors/0/field"))
                .isEqualTo("minutes");
        assertThat(ask(petra, "role", "manager", "reason", "r", "minutes", 481).text("/errors/0/field"))
                .isEqualTo("minutes");
        assertThat(ask(petra, "role", "manager", "minutes", 30).text("/errors/0/field")).isEqualTo("reason");
        assertThat(ask(petra, "role", "surgeon", "reason", "r", "minutes", 30).text("/errors/0/field"))
                .isEqualTo("role");
        assertThat(ask(petra, "role", "manager", "location", UUID.randomUUID().toString(), "reason", "r", "minutes",
                30).text("/errors/0/field")).isEqualTo("location");
        assertThat(ask(petra, "role", "manager", "reason", "r", "minutes", 30, "approved", true).status())
                .as("unknown fields").isEqualTo(400);
        assertThat(api.get(f.clinic().path("/elevation-requests?status=MAYBE"), petra).status()).isEqualTo(400);

        TestMembers.Member nobody = TestMembers.member("nobody").create(api, f.clinic());
        assertThat(ask(nobody.token(), "role", "manager", "reason", "r", "minutes", 30).status())
                .as("no elevation.request").isEqualTo(403);

        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        String theirs = api.post(other.path("/elevation-requests"), other.adminToken(), json("role", "provider",
                "reason", "r", "minutes", 5)).text("/id");
        assertThat(decide(f.clinic().adminToken(), theirs, "approve").status()).isEqualTo(404);
        assertThat(api.get(f.clinic().path("/elevation-requests/" + theirs), f.clinic().adminToken()).status())
                .isEqualTo(404);
        assertThat(jdbc.sql("select count(*) from elevation_requests where tenant_id = :t")
                .param("t", UUID.fromString(f.clinic().id())).query(Long.class).single()).isZero();
    }

    @Test
    void aRequestNobodyDecidesWithinADayExpires() {
        String id = ask(f.provider().token(), "role", "manager", "location", f.downtown(), "reason", "r", "minutes",
                30).text("/id");
        clock.moveAhead(Duration.ofHours(25));
        String admin = api.login(f.clinic().slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(api.get(f.clinic().path("/elevation-requests/" + id), f.provider().signIn()).text("/status"))
                .isEqualTo("EXPIRED");
        Response late = decide(admin, id, "approve");
        assertThat(late.status()).as(late.raw()).isEqualTo(409);
    }
}
