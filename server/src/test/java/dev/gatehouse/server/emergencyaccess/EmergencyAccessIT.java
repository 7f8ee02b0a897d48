package dev.gatehouse.server.emergencyaccess;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Clinical break-glass (issue 13; docs/api.md, "Temporary access"; seed 000 "Provider cannot view
 * other providers' patients (unless shared)" and "Break-glass access ... fully audited"). Dr Ann and
 * Dr Ben are providers; Ben is the assigned provider of patients 456 and 789.
 */
class EmergencyAccessIT extends IntegrationTest {

    private static final String REASON = "patient collapsed in the waiting room, Dr Ben is in surgery";

    @Autowired
    private TestClock clock;

    @Autowired
    private JdbcClient jdbc;

    private SignedInTenant clinic;
    private TestMembers.Member ann;
    private TestMembers.Member ben;

    @BeforeEach
    void clinicWithTwoProviders() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        ben = TestMembers.member("dr.ben").holding("provider").create(api, clinic);
        assign(ben, "456");
        assign(ben, "789");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void breakingGlassReachesTheNamedPatientOnlyAndOnlyUntilItExpires() {
        settings(json("breakGlass", raw(json("minutes", 5))));
        TestMembers.member("owner.olga").holding("owner").withEmail("olga@clinic.example").create(api, clinic);
        assertThat(allowed("dr.ann", "patients.read", "456")).as("before: another provider's patient").isFalse();

        Instant before = clock.instant();
        Response opened = open(ann.token(), "456");
        assertThat(opened.status()).as(opened.raw()).isEqualTo(201);
        assertThat(Instant.parse(opened.text("/expiresAt"))).isAfter(before.plus(Duration.ofMinutes(4)))
                .isBefore(before.plus(Duration.ofMinutes(6)));
        assertThat(opened.text("/status")).isEqualTo("PENDING_REVIEW");
        assertThat(opened.body().path("open").asBoolean()).isTrue();

        // Seed 000 as a table over the API: emergency access reaches patient 456 only.
        assertThat(allowed("dr.ann", "patients.read", "456")).as("after: the named patient").isTrue();
        assertThat(allowed("dr.ann", "medical_notes.read", "456")).as("every ASSIGNED grant reaches it").isTrue();
        assertThat(allowed("dr.ann", "patients.read", "789")).as("never a patient other than the one named")
                .isFalse();
        assertThat(allowed("dr.ann", "patients.delete", "456")).as("reach, never a permission the role lacks")
                .isFalse();
        assertThat(allowed("dr.ann", "patients.read", "invoice", "456")).as("only the named type").isFalse();
        assertThat(allowed("dr.ben", "patients.read", "456")).as("Ben's own access is untouched").isTrue();
        JsonNode reason = check("dr.ann", "patients.read", "patient", "456").body().path("reason");
        assertThat(reason.path("explanation").asString()).contains("patient 456 is shared with them until");
        assertThat(reason.at("/through/kind").asString()).isEqualTo("SHARED");

        RecordedAudit.Event event = RecordedAudit.of(jdbc, clinic.id(), "BREAK_GLASS").getLast();
        assertThat(event.actor()).isEqualTo("dr.ann");
        assertThat(event.targetId()).isEqualTo("456");
        assertThat(event.details().path("kind").asString()).isEqualTo("clinical");
        assertThat(event.details().path("resource").asString()).isEqualTo("patient:456");
        assertThat(event.details().path("reason").asString()).isEqualTo(REASON);
        assertThat(event.details().path("expiresAt").asString()).isEqualTo(opened.text("/expiresAt"));
        assertThat(event.details().path("emergencyAccess").asString()).isEqualTo(opened.text("/id"));
        assertThat(raised("clinicalBreakGlass")).as("the admins are alerted at once").isEqualTo(1);
        assertThat(raised("breakGlass")).as("not as the operator's account unlock").isZero();
        assertThat(jdbc.sql("""
                        select recipient from mail_outbox
                        where tenant_id = :tenant and kind = 'ALERT' and subject like '%opened emergency access%'
                        """)
                .param("tenant", UUID.fromString(clinic.id())).query(String.class).list())
                .as("mailed to the admins through the outbox").contains("olga@clinic.example");

        clock.moveAhead(Duration.ofMinutes(6)); // within the sessions' idle time
        assertThat(allowed("dr.ann", "patients.read", "456")).as("after expiry").isFalse();
        Response mine = api.get(clinic.path("/break-glass/" + opened.text("/id")), ann.token());
        assertThat(mine.body().path("open").asBoolean()).as(mine.raw()).isFalse();
        assertThat(mine.text("/status")).as("still waits for its review").isEqualTo("PENDING_REVIEW");
    }

    @Test
    void refusesWhoMayNotWhenItIsOffAndWhatIsMalformed() {
        String location = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "Downtown"))
                .text("/id");
        TestMembers.Member desk = TestMembers.member("desk").holding("front_desk").at(location).create(api, clinic);

        String uptown = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "Uptown")).text("/id");
        TestMembers.Member cy = TestMembers.member("dr.cy").holding("provider").at(location).create(api, clinic);
        Response elsewhere = api.post(clinic.path("/break-glass"), cy.token(), json("resource", raw(json("type",
                "patient", "id", "456", "location", uptown)), "reason", REASON));
        assertThat(elsewhere.status()).as("break_glass.open is held at Downtown only: " + elsewhere.raw())
                .isEqualTo(403);
        Response there = api.post(clinic.path("/break-glass"), cy.token(), json("resource", raw(json("type",
                "patient", "id", "456", "location", location)), "reason", REASON));
        assertThat(there.status()).as(there.raw()).isEqualTo(201);
        assertThat(there.text("/resource/location")).isEqualTo(location);

        Response noPermission = open(desk.token(), "456");
        assertThat(noPermission.status()).as(noPermission.raw()).isEqualTo(403);
        assertThat(noPermission.text("/detail")).contains("break_glass.open");

        Response malformed = api.post(clinic.path("/break-glass"), ann.token(), json("resource",
                raw(json("type", "Patient!", "id", "", "location", "nowhere")), "reason", "urgent"));
        assertThat(malformed.status()).as(malformed.raw()).isEqualTo(400);
        assertThat(malformed.raw()).contains("resource.type").contains("resource.id").contains("resource.location")
                .contains("reason");
        Response noResource = api.post(clinic.path("/break-glass"), ann.token(), json("reason", REASON));
        assertThat(noResource.status()).isEqualTo(400);
        assertThat(noResource.raw()).contains("\"resource\"");
        Response unknownField = api.post(clinic.path("/break-glass"), ann.token(), json("resource",
                raw(json("type", "patient", "id", "456")), "reason", REASON, "minutes", 600));
        assertThat(unknownField.status()).as("unknown fields are refused").isEqualTo(400);

        Response tooLong = api.patch(clinic.path("/settings"), clinic.adminToken(),
                json("breakGlass", raw(json("minutes", 721))));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.raw()).contains("breakGlass.minutes");
        settings(json("breakGlass", raw(json("enabled", false))));
        Response off = open(ann.token(), "456");
        assertThat(off.status()).as(off.raw()).isEqualTo(403);
        assertThat(off.text("/detail")).contains("turned off");
        assertThat(allowed("dr.ann", "patients.read", "456")).isFalse();
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "BREAK_GLASS")).as("no refusal opened anything").hasSize(1);

        settings(json("breakGlass", raw(json("enabled", true))));
        assertThat(open(ann.token(), "456").status()).isEqualTo(201);
        Response again = open(ann.token(), "456");
        assertThat(again.status()).as("one open access per patient at a time").isEqualTo(409);
        assertThat(again.text("/detail")).contains("already have emergency access to patient 456");
    }

    @Test
    void anotherPersonWhoCoversTheClinicianReviewsOnceAndNotJustifiedEndsTheAccess() {
        TestMembers.Member manager = TestMembers.member("manager.mo").holding("manager").create(api, clinic);
        String justified = open(ann.token(), "456").text("/id");
        String unjustified = open(ann.token(), "789").text("/id");

        Response own = review(ann.token(), justified, "JUSTIFIED", "it was me");
        assertThat(own.status()).as("never the user who broke the glass").isEqualTo(403);
        assertThat(own.text("/detail")).contains("your own emergency access");
        Response provider = review(ben.token(), justified, "JUSTIFIED", "fine");
        assertThat(provider.status()).as("a provider reviews nothing").isEqualTo(403);
        assertThat(provider.text("/detail")).contains("break_glass.review");
        Response uncovered = review(manager.token(), justified, "JUSTIFIED", "fine");
        assertThat(uncovered.status()).as("the manager holds less than the provider: " + uncovered.raw())
                .isEqualTo(403);
        assertThat(uncovered.text("/detail")).contains("dr.ann");

        Response bad = review(clinic.adminToken(), justified, "MAYBE", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.raw()).contains("outcome");
        Response done = review(clinic.adminToken(), justified, "JUSTIFIED", "Dr Ben confirmed the handover");
        assertThat(done.status()).as(done.raw()).isEqualTo(200);
        assertThat(done.text("/status")).isEqualTo("REVIEWED");
        assertThat(done.text("/review/outcome")).isEqualTo("JUSTIFIED");
        assertThat(done.text("/review/reviewedBy/username")).isEqualTo(SignedInTenant.ADMIN);
        assertThat(allowed("dr.ann", "patients.read", "456")).as("justified access runs its course").isTrue();
        assertThat(review(clinic.adminToken(), justified, "NOT_JUSTIFIED", "changed my mind").status())
                .as("reviewed once").isEqualTo(409);

        Response noNote = review(clinic.adminToken(), unjustified, "NOT_JUSTIFIED", null);
        assertThat(noNote.status()).isEqualTo(400);
        assertThat(noNote.raw()).contains("note");
        assertThat(allowed("dr.ann", "patients.read", "789")).isTrue();
        Response ended = review(clinic.adminToken(), unjustified, "NOT_JUSTIFIED", "not Ann's patient, no emergency");
        assertThat(ended.status()).as(ended.raw()).isEqualTo(200);
        assertThat(ended.body().path("open").asBoolean()).isFalse();
        assertThat(ended.body().has("endedAt")).isTrue();
        assertThat(allowed("dr.ann", "patients.read", "789")).as("not justified ends it at once").isFalse();

        List<RecordedAudit.Event> reviews = RecordedAudit.of(jdbc, clinic.id(), "BREAK_GLASS_REVIEWED");
        assertThat(reviews).hasSize(2);
        assertThat(reviews.getLast().actor()).isEqualTo(SignedInTenant.ADMIN);
        assertThat(reviews.getLast().targetId()).isEqualTo(ann.id());
        assertThat(reviews.getLast().details().path("outcome").asString()).isEqualTo("NOT_JUSTIFIED");
        assertThat(reviews.getLast().details().path("note").asString()).isEqualTo("not Ann's patient, no emergency");
        assertThat(reviews.getLast().details().path("resource").asString()).isEqualTo("patient:789");
        assertThat(reviews.getLast().details().path("ended").asBoolean()).isTrue();
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "RELATIONSHIP_DELETED")).hasSize(1);
        assertThat(raised("clinicalBreakGlass")).as("two openings and one not justified").isEqualTo(3);

        JsonNode pending = api.get(clinic.path("/break-glass?status=PENDING_REVIEW"), clinic.adminToken()).body();
        assertThat(pending.path("total").asInt()).isZero();
        JsonNode reviewed = api.get(clinic.path("/break-glass?status=REVIEWED&user=" + ann.id() + "&size=1"),
                clinic.adminToken()).body();
        assertThat(reviewed.path("total").asInt()).isEqualTo(2);
        assertThat(reviewed.path("items")).hasSize(1);
        assertThat(reviewed.at("/items/0/user/username").asString()).isEqualTo("dr.ann");
        assertThat(reviewed.at("/items/0/resource/id").asString()).isEqualTo("789");
        assertThat(api.get(clinic.path("/break-glass?status=SOON"), clinic.adminToken()).status()).isEqualTo(400);
    }

    @Test
    void aClinicianSeesOnlyTheirOwnAndMayEndItEarly() {
        String id = open(ann.token(), "456").text("/id");

        JsonNode bens = api.get(clinic.path("/break-glass"), ben.token()).body();
        assertThat(bens.path("total").asInt()).as("Ben sees his own: none").isZero();
        assertThat(api.get(clinic.path("/break-glass?user=" + ann.id()), ben.token()).status()).isEqualTo(403);
        assertThat(api.get(clinic.path("/break-glass/" + id), ben.token()).status()).isEqualTo(404);
        assertThat(api.post(clinic.path("/break-glass/" + id + "/end"), ben.token(), "").status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/break-glass"), ann.token()).body().path("total").asInt()).isEqualTo(1);

        Response ended = api.post(clinic.path("/break-glass/" + id + "/end"), ann.token(), "");
        assertThat(ended.status()).as(ended.raw()).isEqualTo(200);
        assertThat(ended.body().path("open").asBoolean()).isFalse();
        assertThat(allowed("dr.ann", "patients.read", "456")).isFalse();
        assertThat(api.post(clinic.path("/break-glass/" + id + "/end"), ann.token(), "").status()).isEqualTo(409);
        RecordedAudit.Event event = RecordedAudit.of(jdbc, clinic.id(), "BREAK_GLASS_ENDED").getFirst();
        assertThat(event.actor()).isEqualTo("dr.ann");
        assertThat(event.targetId()).isEqualTo("456");
        assertThat(event.details().path("emergencyAccess").asString()).isEqualTo(id);
        assertThat(api.get(clinic.path("/break-glass?status=PENDING_REVIEW"), clinic.adminToken()).body()
                .path("total").asInt()).as("an ended access is still reviewed").isEqualTo(1);
    }

    @Test
    void anotherTenantsIdsAreNotFound() {
        String id = open(ann.token(), "456").text("/id");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");

        assertThat(api.get(other.path("/break-glass/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(review(other.adminToken(), id, "NOT_JUSTIFIED", "not yours").status()).isEqualTo(404);
        assertThat(api.get(other.path("/break-glass"), other.adminToken()).body().path("total").asInt()).isZero();
        assertThat(api.get(clinic.path("/break-glass"), other.adminToken()).status())
                .as("another tenant's path").isEqualTo(404);
        assertThat(api.get(clinic.path("/break-glass/" + UUID.randomUUID()), clinic.adminToken()).status())
                .isEqualTo(404);
        assertThat(allowed("dr.ann", "patients.read", "456")).isTrue();
    }

    @Test
    void openingIsRateLimitedPerClinician() {
        for (int patient = 1; patient <= EmergencyAccesses.OPENINGS_PER_HOUR; patient++) {
            Response opened = open(ann.token(), "p" + patient);
            assertThat(opened.status()).as(opened.raw()).isEqualTo(201);
        }
        Response refused = open(ann.token(), "p99");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(429);
        assertThat(refused.http().headers().firstValue("Retry-After")).isPresent();
        assertThat(allowed("dr.ann", "patients.read", "p99")).isFalse();
        assertThat(open(ben.token(), "p99").status()).as("per clinician").isEqualTo(201);
    }

    private Response open(String token, String patient) {
        return api.post(clinic.path("/break-glass"), token, json("resource", raw(json("type", "patient", "id",
                patient)), "reason", REASON));
    }

    private Response review(String token, String id, String outcome, String note) {
        String body = note == null ? json("outcome", outcome) : json("outcome", outcome, "note", note);
        return api.post(clinic.path("/break-glass/" + id + "/review"), token, body);
    }

    private void assign(TestMembers.Member provider, String patient) {
        Response written = api.post(clinic.path("/relationships"), clinic.adminToken(), json("subject",
                raw(json("type", "user", "id", provider.id())), "relation", "assigned_provider", "object",
                raw(json("type", "patient", "id", patient))));
        assertThat(written.status()).as(written.raw()).isEqualTo(201);
    }

    private void settings(String patch) {
        Response saved = api.patch(clinic.path("/settings"), clinic.adminToken(), patch);
        assertThat(saved.status()).as(saved.raw()).isEqualTo(200);
    }

    private Response check(String user, String permission, String type, String id) {
        Response answer = api.post(clinic.path("/check"), clinic.adminToken(), json("user", user, "permission",
                permission, "resource", raw(json("type", type, "id", id))));
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        return answer;
    }

    private boolean allowed(String user, String permission, String patient) {
        return allowed(user, permission, "patient", patient);
    }

    private boolean allowed(String user, String permission, String type, String id) {
        return check(user, permission, type, id).body().path("allowed").asBoolean();
    }

    /**
     * The alerts of {@code rule} raised in the tenant. The rules are evaluated after commit on their
     * own thread: waits until the tenant's latest audit event has been evaluated (its alert, if any,
     * raised), bounded, so a missing alert fails rather than hangs.
     */
    private long raised(String rule) {
        Instant deadline = Instant.now().plusSeconds(20);
        long count = 0;
        while (Instant.now().isBefore(deadline)) {
            count = jdbc.sql("select count(*) from alerts where tenant_id = :tenant and rule = :rule")
                    .param("tenant", UUID.fromString(clinic.id())).param("rule", rule).query(Long.class).single();
            long expected = RecordedAudit.of(jdbc, clinic.id(), "BREAK_GLASS").size()
                    + RecordedAudit.of(jdbc, clinic.id(), "BREAK_GLASS_REVIEWED").stream()
                            .filter(e -> e.details().path("outcome").asString().equals("NOT_JUSTIFIED")).count();
            if (!rule.equals("clinicalBreakGlass") || count >= expected) {
                break;
            }
            sleep();
        }
        return count;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
