package dev.gatehouse.server.accessreviews;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Access reviews over HTTP (issue 13; seed 000 "Access review scheduling"): campaigns routed to
 * managers, keep and revoke applied at once, defaults at the due date and quarterly recurrence with
 * the {@link TestClock}, reminders through the outbox, the report, and the attacker's cases.
 */
class AccessReviewsIT extends IntegrationTest {

    @Autowired
    TestClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ReviewDeadlines deadlines;

    SignedInTenant clinic;
    String downtown;
    String uptown;
    TestMembers.Member boss;
    TestMembers.Member desk;
    TestMembers.Member uptownDesk;

    /** A clinic: boss manages Downtown, desk works there and reports to boss; another desk works Uptown. */
    @BeforeEach
    void clinic() {
        clinic = TestTenants.tenant("clinic").withAdminEmail().create(api, operatorToken());
        downtown = TestTenants.location(api, clinic, "Downtown", null);
        uptown = TestTenants.location(api, clinic, "Uptown", null);
        boss = TestMembers.member("boss").holding("manager").at(downtown).withEmail().create(api, clinic);
        desk = TestMembers.member("desk").holding("front_desk").at(downtown).create(api, clinic);
        uptownDesk = TestMembers.member("updesk").holding("front_desk").at(uptown).create(api, clinic);
        Response managed = api.patch(clinic.path("/users/" + desk.id()), clinic.adminToken(),
                json("managerId", boss.id()));
        assertThat(managed.status()).as(managed.raw()).isEqualTo(200);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private Response open(String body) {
        return api.post(clinic.path("/access-reviews"), clinic.adminToken(), body);
    }

    private static String due(Duration from) {
        return Instant.now().plus(from).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static JsonNode itemOf(JsonNode detail, String username) {
        for (JsonNode item : detail.at("/items")) {
            if (item.at("/username").asString().equals(username)) {
                return item;
            }
        }
        throw new AssertionError("no item of " + username + " in " + detail);
    }

    private long assignments(String user) {
        return jdbc.sql("select count(*) from assignments where tenant_id = :t and user_id = :u")
                .param("t", UUID.fromString(clinic.id())).param("u", UUID.fromString(user)).query(Long.class).single();
    }

    private List<String> actions() {
        return jdbc.sql("select action from audit_events where tenant_id = :t order by seq")
                .param("t", UUID.fromString(clinic.id())).query(String.class).list();
    }

    @Test
    void aManagerKeepsOrRevokesTheirReportsAccessAtOnceAndTheReportListsEveryDecision() {
        Response created = open(json("name", "Downtown Q1", "scope", raw(json("locations", raw("[\"" + downtown
                + "\"]"))), "reviewer", "MANAGER", "dueAt", due(Duration.ofDays(10))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.text("/review/id");
        assertThat(created.body().at("/review/defaultDecision").asString()).isEqualTo("REVOKE");
        assertThat(created.body().at("/items").size()).as("Downtown's two assignments; Uptown and tenant-wide"
                + " ones are out of scope").isEqualTo(2);
        assertThat(itemOf(created.body(), "desk").at("/reviewer").asString()).as("desk's manager").isEqualTo(boss.id());
        assertThat(itemOf(created.body(), "boss").at("/reviewer").asString())
                .as("boss has no manager: the campaign's creator").isEqualTo(clinic.adminId());

        Response bossView = api.get(clinic.path("/access-reviews/" + id), boss.token());
        assertThat(bossView.status()).isEqualTo(200);
        assertThat(bossView.body().at("/items").size()).as("a reviewer sees only their items").isEqualTo(1);
        assertThat(api.get(clinic.path("/access-reviews"), boss.token()).body().at("/total").asLong()).isEqualTo(1);
        assertThat(api.get(clinic.path("/access-reviews/" + id), uptownDesk.token()).status())
                .as("no item of theirs: nothing to see").isEqualTo(404);
        assertThat(api.get(clinic.path("/access-reviews"), uptownDesk.token()).body().at("/total").asLong()).isZero();

        String deskItem = itemOf(bossView.body(), "desk").at("/id").asString();
        String bossItem = itemOf(created.body(), "boss").at("/id").asString();
        Response notHis = api.post(clinic.path("/access-reviews/" + id + "/items/" + bossItem), boss.token(),
                json("decision", "KEEP", "note", "I vouch for myself"));
        assertThat(notHis.status()).as("nobody reviews their own access").isEqualTo(403);
        Response noDecision = api.post(clinic.path("/access-reviews/" + id + "/items/" + deskItem), boss.token(),
                json("decision", "MAYBE"));
        assertThat(noDecision.status()).isEqualTo(400);
        assertThat(noDecision.text("/errors/0/field")).isEqualTo("decision");

        Response revoked = api.post(clinic.path("/access-reviews/" + id + "/items/" + deskItem), boss.token(),
                json("decision", "REVOKE", "note", "moved to billing"));
        assertThat(revoked.status()).as(revoked.raw()).isEqualTo(200);
        assertThat(revoked.text("/outcome")).isEqualTo("REVOKED");
        assertThat(revoked.text("/decidedByName")).isEqualTo("boss");
        assertThat(assignments(desk.id())).as("revoked at once").isZero();
        assertThat(api.post(clinic.path("/check"), clinic.adminToken(), json("user", desk.id(), "permission",
                "appointments.read", "resource", raw(json("type", "appointment", "id", "1", "location", downtown))))
                .body().at("/allowed").asBoolean()).as("the profile was invalidated").isFalse();
        assertThat(api.post(clinic.path("/access-reviews/" + id + "/items/" + deskItem), boss.token(),
                json("decision", "KEEP")).status()).as("decided once").isEqualTo(409);

        Response kept = api.post(clinic.path("/access-reviews/" + id + "/items/" + bossItem), clinic.adminToken(),
                json("decision", "KEEP"));
        assertThat(kept.status()).as(kept.raw()).isEqualTo(200);
        assertThat(api.get(clinic.path("/access-reviews/" + id), clinic.adminToken()).text("/review/status"))
                .as("the last decision completes the campaign").isEqualTo("COMPLETED");
        assertThat(actions()).containsSubsequence("ACCESS_REVIEW_CREATED", "ROLE_REVOKED", "ACCESS_REVIEW_DECIDED",
                "ACCESS_REVIEW_DECIDED", "ACCESS_REVIEW_COMPLETED");
        assertThat(jdbc.sql("""
                        select count(*) from audit_events
                        where tenant_id = :t and action = 'ACCESS_REVIEW_DECIDED' and actor_id = :boss
                          and target_type = 'access_review' and target_id = :id and target_name = 'Downtown Q1'
                          and details ->> 'decision' = 'REVOKE' and details ->> 'outcome' = 'REVOKED'
                          and details ->> 'note' = 'moved to billing' and details ->> 'username' = 'desk'
                        """).param("t", UUID.fromString(clinic.id())).param("boss", UUID.fromString(boss.id()))
                .param("id", id).query(Long.class).single()).as("one complete event of the decision").isEqualTo(1);
        assertThat(jdbc.sql("""
                        select count(*) from audit_events
                        where tenant_id = :t and action = 'ROLE_REVOKED' and actor_id = :boss
                          and details ->> 'accessReview' = :id
                        """).param("t", UUID.fromString(clinic.id())).param("boss", UUID.fromString(boss.id()))
                .param("id", id).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("""
                        select count(*) from audit_events
                        where tenant_id = :t and action = 'ACCESS_REVIEW_CREATED' and actor_id = :admin
                          and target_id = :id and (details ->> 'items')::int = 2
                        """).param("t", UUID.fromString(clinic.id())).param("admin", UUID.fromString(clinic.adminId()))
                .param("id", id).query(Long.class).single()).isEqualTo(1);

        Response report = api.get(clinic.path("/access-reviews/" + id + "/report"), clinic.adminToken());
        assertThat(report.body().at("/summary/kept").asLong()).isEqualTo(1);
        assertThat(report.body().at("/summary/revoked").asLong()).isEqualTo(1);
        assertThat(report.body().at("/items").size()).isEqualTo(2);
        Response csv = api.get(clinic.path("/access-reviews/" + id + "/report.csv"), clinic.adminToken());
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.raw().split("\r\n")).hasSize(3);
        assertThat(csv.raw()).contains("desk,front_desk").contains("moved to billing").contains("REVOKED");
        assertThat(api.get(clinic.path("/access-reviews/" + id + "/report"), boss.token()).status())
                .as("the report is for those who run reviews").isEqualTo(403);
    }

    @Test
    void unansweredItemsFollowTheDefaultAtTheDueDateAndAQuarterlyCampaignOpensTheNext() {
        Instant dueAt = Instant.parse(due(Duration.ofDays(1)));
        Response created = open(json("name", "Front desk quarterly", "scope", raw(json("roles",
                raw("[\"front_desk\"]"))), "reviewer", "MANAGER", "dueAt", dueAt.toString(), "recurrence",
                "QUARTERLY"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.text("/review/id");
        assertThat(created.body().at("/items").size()).isEqualTo(2);
        Response keepAll = open(json("name", "Managers, kept unless revoked", "scope", raw(json("roles",
                raw("[\"manager\"]"))), "reviewer", clinic.adminId(), "dueAt", dueAt.toString(), "defaultDecision",
                "KEEP"));
        assertThat(keepAll.status()).as(keepAll.raw()).isEqualTo(201);

        assertThat(deadlines.completeDue()).as("nothing is due yet").isZero();
        clock.moveAhead(Duration.ofDays(2));
        deadlines.completeDue();

        String admin = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        Response done = api.get(clinic.path("/access-reviews/" + id), admin);
        assertThat(done.text("/review/status")).isEqualTo("COMPLETED");
        for (JsonNode item : done.body().at("/items")) {
            assertThat(item.at("/decision").asString()).isEqualTo("REVOKE");
            assertThat(item.at("/defaulted").asBoolean()).isTrue();
            assertThat(item.at("/outcome").asString()).isEqualTo("REVOKED");
        }
        assertThat(assignments(desk.id())).isZero();
        assertThat(assignments(uptownDesk.id())).isZero();
        Response kept = api.get(clinic.path("/access-reviews/" + keepAll.text("/review/id")), admin);
        assertThat(kept.text("/review/status")).isEqualTo("COMPLETED");
        assertThat(itemOf(kept.body(), "boss").at("/outcome").asString()).isEqualTo("KEPT");
        assertThat(assignments(boss.id())).isEqualTo(1);

        Response open = api.get(clinic.path("/access-reviews?status=OPEN"), admin);
        assertThat(open.body().at("/total").asLong()).as("the next quarter's campaign").isEqualTo(1);
        JsonNode next = open.body().at("/items/0");
        assertThat(next.at("/previousId").asString()).isEqualTo(id);
        assertThat(Instant.parse(next.at("/dueAt").asString()))
                .isEqualTo(dueAt.atOffset(ZoneOffset.UTC).plusMonths(3).toInstant());
        assertThat(next.at("/items").asLong()).as("a fresh snapshot: the revoked desks hold nothing now").isZero();
        assertThat(jdbc.sql("""
                        select count(*) from audit_events where tenant_id = :t and action = 'ACCESS_REVIEW_COMPLETED'
                        """).param("t", UUID.fromString(clinic.id())).query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void theLastAdministratorKeepsTheirRoleWhenTheDefaultWouldRevokeIt() {
        Response created = open(json("name", "Owners", "scope", raw(json("roles", raw("[\"owner\"]"))), "reviewer",
                "MANAGER", "dueAt", due(Duration.ofDays(1))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        JsonNode own = itemOf(created.body(), SignedInTenant.ADMIN);
        assertThat(own.at("/reviewer").isNull() || own.at("/reviewer").isMissingNode())
                .as("the creator's own assignment goes to another holder of access_reviews.manage").isTrue();
        Response self = api.post(clinic.path("/access-reviews/" + created.text("/review/id") + "/items/"
                + own.at("/id").asString()), clinic.adminToken(), json("decision", "KEEP"));
        assertThat(self.status()).isEqualTo(403);

        clock.moveAhead(Duration.ofDays(2));
        deadlines.completeDue();

        assertThat(assignments(clinic.adminId())).as("the tenant keeps its administrator").isEqualTo(1);
        String admin = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        Response report = api.get(clinic.path("/access-reviews/" + created.text("/review/id") + "/report"), admin);
        assertThat(report.body().at("/summary/notRevoked").asLong()).isEqualTo(1);
    }

    @Test
    void reviewersAreRemindedOnceThroughTheOutboxBeforeTheDueDate() {
        Response created = open(json("name", "Downtown", "scope", raw(json("locations", raw("[\"" + downtown
                + "\"]"))), "reviewer", "MANAGER", "dueAt", due(Duration.ofDays(5))));
        assertThat(created.status()).isEqualTo(201);
        deadlines.remindDue();
        assertThat(mailsTo(boss)).as("not yet: five days to go").isZero();

        clock.moveAhead(Duration.ofDays(3));
        deadlines.remindDue();
        deadlines.remindDue();

        assertThat(mailsTo(boss)).isEqualTo(1);
        assertThat(actions()).contains("ACCESS_REVIEW_REMINDED");
    }

    private long mailsTo(TestMembers.Member member) {
        return jdbc.sql("""
                        select count(*) from mail_outbox where tenant_id = :t and recipient = :r
                          and subject like 'Access review due%'
                        """).param("t", UUID.fromString(clinic.id()))
                .param("r", member.username() + "@" + clinic.slug() + ".example").query(Long.class).single();
    }

    @Test
    void onlyThoseWhoRunReviewsOpenThemAndNobodyReachesAnotherTenantsCampaign() {
        String body = json("name", "Downtown", "reviewer", "MANAGER", "dueAt", due(Duration.ofDays(5)));
        assertThat(api.post(clinic.path("/access-reviews"), boss.token(), body).status())
                .as("a manager runs no campaigns").isEqualTo(403);
        // An auditor role that may run reviews but holds less than the owner: no campaign over the owner's role.
        Response auditor = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "auditor", "name",
                "Auditor", "description", "runs access reviews", "grants",
                raw("[{\"permission\": \"access_reviews.manage\"}, {\"permission\": \"users.read\"}]")));
        assertThat(auditor.status()).as(auditor.raw()).isEqualTo(201);
        TestMembers.Member ada = TestMembers.member("ada").holding("auditor").create(api, clinic);
        Response overOwner = api.post(clinic.path("/access-reviews"), ada.token(), json("name", "Owners",
                "scope", raw(json("roles", raw("[\"owner\"]"))), "reviewer", ada.id(), "dueAt",
                due(Duration.ofDays(5))));
        assertThat(overOwner.status()).as(overOwner.raw()).isEqualTo(403);
        assertThat(overOwner.text("/detail")).contains("open an access review over the roles of");
        Response created = open(body);
        assertThat(created.status()).isEqualTo(201);
        String id = created.text("/review/id");
        String item = created.body().at("/items/0/id").asString();

        SignedInTenant other = TestTenants.tenant("clinic").create(api, operatorToken());
        assertThat(api.get(clinic.path("/access-reviews/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(other.path("/access-reviews/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.post(other.path("/access-reviews/" + id + "/items/" + item), other.adminToken(),
                json("decision", "REVOKE")).status()).isEqualTo(404);
        Response second = open(body);
        assertThat(api.post(clinic.path("/access-reviews/" + second.text("/review/id") + "/items/" + item),
                clinic.adminToken(), json("decision", "KEEP")).status())
                .as("an item of another campaign").isEqualTo(404);

        Response invalid = open(json("name", "", "scope", raw(json("locations", raw("[\"" + UUID.randomUUID()
                + "\"]"), "roles", raw("[\"astronaut\"]"))), "reviewer", other.adminId(), "dueAt",
                "2001-01-01T00:00:00Z", "recurrence", "WEEKLY", "defaultDecision", "SHRUG"));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body().at("/errors").valueStream().map(e -> e.at("/field").asString()).toList())
                .containsExactlyInAnyOrder("name", "dueAt", "reviewer", "recurrence", "defaultDecision",
                        "scope.locations[0]", "scope.roles[0]");
        long campaigns = jdbc.sql("select count(*) from access_reviews where tenant_id = :t")
                .param("t", UUID.fromString(clinic.id())).query(Long.class).single();
        assertThat(campaigns).as("nothing written by a refusal").isEqualTo(2);
    }
}
