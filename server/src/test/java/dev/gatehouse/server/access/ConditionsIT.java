package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Grant conditions over the API (issue 13): saved through the roles API, refused at save when
 * hostile, decided by the check API over the resource's attributes, the time in the tenant's zone
 * and the client's address; and field permissions per role of the clinic pack.
 */
class ConditionsIT extends IntegrationTest {

    @Autowired
    TestClock clock;

    private SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private Response createRole(String key, String grants) {
        return api.post(clinic.path("/roles"), clinic.adminToken(), json("key", key, "name", "Role " + key,
                "inherits", raw("[]"), "grants", raw(grants)));
    }

    private String conditional(String permission, String condition) {
        return "[" + json("permission", permission, "condition", condition) + "]";
    }

    private Response check(String token, String user, String permission, String resource, String context) {
        return api.post(clinic.path("/check"), token, json("user", user, "permission", permission,
                "resource", raw(resource), "context", raw(context)));
    }

    private static String refund(int amount) {
        return json("type", "refund", "id", "r-1", "attributes", raw(json("amount", amount)));
    }

    @Test
    void approvesChargesOnlyBelowFiveHundredDollars() {
        // seed 000, Advanced Features: "Conditional permissions - e.g., approve charges only if < $500"
        Response created = createRole("small_refunds", conditional("refunds.approve", "resource.amount < 500"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("/grants/0/condition")).isEqualTo("resource.amount < 500");
        TestMembers.Member clerk = TestMembers.member("carl.clerk").holding("small_refunds").create(api, clinic);

        Response below = check(clinic.adminToken(), clerk.id(), "refunds.approve", refund(499), "{}");
        assertThat(below.body().at("/allowed").asBoolean()).as(below.raw()).isTrue();
        assertThat(below.text("/via/grant/condition")).isEqualTo("resource.amount < 500");

        Response at = check(clinic.adminToken(), clerk.id(), "refunds.approve", refund(500), "{}");
        assertThat(at.body().at("/allowed").asBoolean()).as(at.raw()).isFalse();
        assertThat(at.text("/reason/code")).isEqualTo("CONDITION_FAILED");
        assertThat(at.text("/reason/condition")).isEqualTo("resource.amount < 500");
        assertThat(at.text("/reason/why")).contains("resource.amount = 500");
        assertThat(at.text("/reason/explanation")).contains("small_refunds").contains("resource.amount < 500");
    }

    @Test
    void anUnevaluableConditionDeniesAndSaysWhy() {
        createRole("small_refunds", conditional("refunds.approve", "resource.amount < 500"));
        TestMembers.Member clerk = TestMembers.member("carl.clerk").holding("small_refunds").create(api, clinic);

        Response missing = check(clinic.adminToken(), clerk.id(), "refunds.approve",
                json("type", "refund", "id", "r-1"), "{}");
        assertThat(missing.body().at("/allowed").asBoolean()).as(missing.raw()).isFalse();
        assertThat(missing.text("/reason/why")).startsWith("cannot be evaluated").contains("amount");

        Response wrongType = check(clinic.adminToken(), clerk.id(), "refunds.approve",
                json("type", "refund", "id", "r-1", "attributes", raw(json("amount", "cheap"))), "{}");
        assertThat(wrongType.body().at("/allowed").asBoolean()).as(wrongType.raw()).isFalse();
        assertThat(wrongType.text("/reason/why")).startsWith("cannot be evaluated");
    }

    @Test
    void businessHoursAreTheTenantsHoursInItsTimeZone() {
        createRole("day_shift", conditional("refunds.approve", "request.time.hour >= 9 && request.time.hour < 17"));
        TestMembers.Member clerk = TestMembers.member("dana.day").holding("day_shift").create(api, clinic);
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        // Tomorrow 10:00 in Tokyo is 01:00 UTC: inside the clinic's hours only when read in its zone.
        ZonedDateTime tenInTokyo = ZonedDateTime.now(tokyo).plusDays(1).with(LocalTime.of(10, 0));
        clock.moveAhead(Duration.between(Instant.now(), tenInTokyo.toInstant()));
        // A session does not outlive a jump of hours: sign in again at the new time.
        String admin = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        Response inUtc = check(admin, clerk.id(), "refunds.approve", refund(1), "{}");
        assertThat(inUtc.body().at("/allowed").asBoolean()).as(inUtc.raw()).isFalse();
        assertThat(inUtc.text("/reason/why")).as(inUtc.raw()).contains("request.time.hour = 1 (UTC)");

        Response zoned = api.patch(clinic.path("/settings"), admin, json("timeZone", "Asia/Tokyo"));
        assertThat(zoned.status()).as(zoned.raw()).isEqualTo(200);
        assertThat(zoned.text("/timeZone")).isEqualTo("Asia/Tokyo");
        Response inTokyo = check(admin, clerk.id(), "refunds.approve", refund(1), "{}");
        assertThat(inTokyo.body().at("/allowed").asBoolean()).as(inTokyo.raw()).isTrue();

        clock.moveAhead(Duration.between(Instant.now(), tenInTokyo.plusHours(9).toInstant()));
        String later = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        Response evening = check(later, clerk.id(), "refunds.approve", refund(1), "{}");
        assertThat(evening.body().at("/allowed").asBoolean()).as(evening.raw()).isFalse();
        assertThat(evening.text("/reason/why")).contains("request.time.hour = 19 (Asia/Tokyo)");
    }

    @Test
    void aTimeZoneMustBeAnIanaZone() {
        Response refused = api.patch(clinic.path("/settings"), clinic.adminToken(), json("timeZone", "Mars/Olympus"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text("/errors/0/field")).isEqualTo("timeZone");
        Response offset = api.patch(clinic.path("/settings"), clinic.adminToken(), json("timeZone", "+01:00"));
        assertThat(offset.status()).isEqualTo(400);
    }

    @Test
    void addressRangesReadTheClientsAddress() {
        createRole("on_site", conditional("refunds.approve", "request.ip in ['10.0.0.0/8', '127.0.0.0/8', '::1/128']"));
        TestMembers.Member clerk = TestMembers.member("olga.onsite").holding("on_site").create(api, clinic);

        Response inside = check(clinic.adminToken(), clerk.id(), "refunds.approve", refund(1),
                json("ip", "10.20.30.40"));
        assertThat(inside.body().at("/allowed").asBoolean()).as(inside.raw()).isTrue();
        Response outside = check(clinic.adminToken(), clerk.id(), "refunds.approve", refund(1),
                json("ip", "192.168.1.1"));
        assertThat(outside.body().at("/allowed").asBoolean()).as(outside.raw()).isFalse();
        assertThat(outside.text("/reason/why")).contains("request.ip = 192.168.1.1");

        // Asking about someone else names no address of theirs: the application's own is not assumed.
        Response unnamed = check(clinic.adminToken(), clerk.id(), "refunds.approve", refund(1), "{}");
        assertThat(unnamed.body().at("/allowed").asBoolean()).as(unnamed.raw()).isFalse();
        assertThat(unnamed.text("/reason/why")).contains("context.ip");

        // Asking about yourself, your own address (here the loopback) is the client's.
        Response self = check(clerk.token(), clerk.id(), "refunds.approve", refund(1), "{}");
        assertThat(self.body().at("/allowed").asBoolean()).as(self.raw()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "resource.amount <",
        "resource.amount",
        "request.time.hours > 8",
        "request.ip in ['10.0.0.0/33']",
        "resource.a.all(x, resource.b.all(y, x == y))",
        "resource.tags.map(t, t + t).size() > 0",
        "resource.name.matches('(')",
    })
    void aHostileOrBrokenConditionIsRefusedAtSaveNamingTheField(String condition) {
        Response refused = createRole("r1", "[" + json("permission", "patients.read") + ", "
                + json("permission", "refunds.approve", "condition", condition) + "]");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.text("/errors/0/field")).isEqualTo("grants[1].condition");
        assertThat(api.get(clinic.path("/roles/r1"), clinic.adminToken()).status()).isEqualTo(404);
    }

    @Test
    void aHugeConditionIsRefusedAtSave() {
        String huge = "resource.n in [" + "1, ".repeat(400) + "1]";
        Response refused = createRole("r1", conditional("refunds.approve", huge));
        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.text("/errors/0/field")).isEqualTo("grants[0].condition");
    }

    @Test
    void fieldsAreDecidedPerRoleOnTheSamePatient() {
        // seed 000: "Field-level permissions - Hide sensitive fields (SSN, insurance) from certain roles"
        TestMembers.Member billing = TestMembers.member("bea.billing").holding("billing").create(api, clinic);
        TestMembers.Member provider = TestMembers.member("dr.pat").holding("provider").create(api, clinic);
        TestMembers.Member desk = TestMembers.member("fred.desk").holding("front_desk").create(api, clinic);
        String fields = "[\"ssn\", \"insurance\", \"diagnosis\", \"notes\"]";

        Response billed = fieldsCheck(billing.id(), json("type", "patient", "id", "p-1"), fields);
        assertThat(billed.body().at("/allowed").asBoolean()).as(billed.raw()).isTrue();
        assertThat(strings(billed.body().at("/fields/allowed"))).containsExactly("ssn", "insurance");
        assertThat(strings(billed.body().at("/fields/denied"))).containsExactly("diagnosis", "notes");
        assertThat(billed.text("/fields/reasons/diagnosis/code")).isEqualTo("NO_MATCHING_GRANT");

        Response treated = fieldsCheck(provider.id(), json("type", "patient", "id", "p-1",
                "assignees", raw("[\"" + provider.id() + "\"]")), fields);
        assertThat(strings(treated.body().at("/fields/allowed"))).containsExactly("diagnosis", "notes");
        assertThat(strings(treated.body().at("/fields/denied"))).containsExactly("ssn", "insurance");

        Response notTheirs = fieldsCheck(provider.id(), json("type", "patient", "id", "p-2"), fields);
        assertThat(notTheirs.body().at("/allowed").asBoolean()).isFalse();
        assertThat(strings(notTheirs.body().at("/fields/denied"))).containsExactly("ssn", "insurance", "diagnosis",
                "notes");
        assertThat(notTheirs.text("/fields/reasons/notes/code")).isEqualTo("SCOPE_MISS");

        Response frontDesk = fieldsCheck(desk.id(), json("type", "patient", "id", "p-1"), fields);
        assertThat(strings(frontDesk.body().at("/fields/allowed"))).isEmpty();

        Response unknown = fieldsCheck(billing.id(), json("type", "patient", "id", "p-1"), "[\"shoe_size\"]");
        assertThat(strings(unknown.body().at("/fields/denied"))).containsExactly("shoe_size");
        assertThat(unknown.text("/fields/reasons/shoe_size/code")).isEqualTo("UNKNOWN_PERMISSION");

        Response bad = fieldsCheck(billing.id(), json("type", "patient", "id", "p-1"), "[\"s s\"]");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text("/errors/0/field")).isEqualTo("fields[0]");

        Response plain = api.post(clinic.path("/check"), clinic.adminToken(), json("user", billing.id(),
                "permission", "patients.read"));
        assertThat(plain.body().has("fields")).as(plain.raw()).isFalse();

        Response batch = api.post(clinic.path("/check/batch"), clinic.adminToken(), json("checks", raw("["
                + json("user", billing.id(), "permission", "patients.read", "fields", raw(fields)) + ", "
                + json("user", desk.id(), "permission", "patients.read", "fields", raw(fields)) + "]")));
        assertThat(strings(batch.body().at("/results/0/fields/allowed"))).containsExactly("ssn", "insurance");
        assertThat(strings(batch.body().at("/results/1/fields/allowed"))).isEmpty();

        Response me = api.get("/api/v1/me", billing.token());
        assertThat(strings(me.body().at("/permissions"))).contains("patients.read.ssn", "patients.read.insurance")
                .doesNotContain("patients.read.diagnosis");
    }

    private Response fieldsCheck(String user, String resource, String fields) {
        return api.post(clinic.path("/check"), clinic.adminToken(), json("user", user, "permission", "patients.read",
                "resource", raw(resource), "fields", raw(fields)));
    }

    private static java.util.List<String> strings(JsonNode array) {
        java.util.List<String> values = new java.util.ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }
}
