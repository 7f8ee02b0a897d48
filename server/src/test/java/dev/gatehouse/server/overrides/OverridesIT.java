package dev.gatehouse.server.overrides;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Seed 002 §3.2 over HTTP: a platform operator's override of a tenant's decisions is a time-boxed,
 * audited elevation to the tenant's admin role, visible to and endable by the tenant's admins, and
 * ending by itself.
 */
class OverridesIT extends IntegrationTest {

    private static final String REASON = "dispute 88: a provider's bookings were cancelled by mistake";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Overrides overrides;

    SignedInTenant booking;
    String operator;
    String platformId;

    @BeforeEach
    void tenant() {
        operator = operatorToken();
        booking = SignedInTenant.create(api, operator, "booking");
        platformId = jdbc.sql("select id::text from tenants where slug = 'platform'").query(String.class).single();
    }

    private Response start(String token, String tenant, String body) {
        return api.post("/api/v1/tenants/" + tenant + "/overrides", token, body);
    }

    @Test
    void anOperatorTakesTheTenantsAdminRoleForTheWindowAndBothTrailsNameTheOverride() {
        Response started = start(operator, booking.slug(), json("reason", REASON, "minutes", 15));

        assertThat(started.status()).as(started.raw()).isEqualTo(201);
        String id = started.text("/override/id");
        String account = started.text("/override/account/username");
        assertThat(account).isEqualTo("override-" + id.substring(0, 8));
        assertThat(started.text("/override/role")).isEqualTo("OWNER");
        assertThat(started.text("/override/state")).isEqualTo("ACTIVE");
        Instant startsAt = Instant.parse(started.text("/override/startsAt"));
        assertThat(Instant.parse(started.text("/override/expiresAt"))).isEqualTo(startsAt.plusSeconds(15 * 60));

        String token = started.text("/token");
        Response users = api.get(booking.path("/users"), token);
        assertThat(users.status()).as(users.raw()).isEqualTo(200);
        Response location = api.post(booking.path("/locations"), token, json("name", "Override office"));
        assertThat(location.status()).as(location.raw()).isEqualTo(201);

        RecordedAudit.Event inTenant = RecordedAudit.only(jdbc, booking.id(), "OVERRIDE_STARTED");
        assertThat(inTenant.actor()).isEqualTo(OPERATOR);
        assertThat(inTenant.details().at("/overrideId").asString()).isEqualTo(id);
        assertThat(inTenant.details().at("/reason").asString()).isEqualTo(REASON);
        assertThat(RecordedAudit.of(jdbc, platformId, "OVERRIDE_STARTED")).anySatisfy(event -> {
            assertThat(event.targetId()).isEqualTo(booking.id());
            assertThat(event.details().at("/overrideId").asString()).isEqualTo(id);
        });
        // Every act through it names the override's account, so the override's id, and the operator behind it.
        List<RecordedAudit.Event> created = RecordedAudit.of(jdbc, booking.id(), "LOCATION_CREATED");
        assertThat(created).singleElement().satisfies(event -> assertThat(event.actor()).isEqualTo(account));
    }

    @Test
    void theTenantsAdminSeesItAndEndsItAndItsTokenIsDeadAtOnce() {
        Response started = start(operator, booking.slug(), json("reason", REASON));
        String id = started.text("/override/id");
        String token = started.text("/token");

        Response listed = api.get(booking.path("/overrides"), booking.adminToken());
        assertThat(listed.status()).as(listed.raw()).isEqualTo(200);
        assertThat(listed.body().at("/items/0/id").asString()).isEqualTo(id);
        assertThat(listed.body().at("/items/0/operator/username").asString()).isEqualTo(OPERATOR);
        assertThat(listed.body().at("/items/0/reason").asString()).isEqualTo(REASON);
        assertThat(listed.body().at("/items/0/state").asString()).isEqualTo("ACTIVE");

        Response ended = api.delete(booking.path("/overrides/" + id), booking.adminToken());
        assertThat(ended.status()).as(ended.raw()).isEqualTo(200);
        assertThat(ended.text("/state")).isEqualTo("ENDED");
        assertThat(ended.text("/endedBy")).isEqualTo(SignedInTenant.ADMIN);

        assertThat(api.get(booking.path("/users"), token).status()).isEqualTo(401);
        assertThat(api.delete(booking.path("/overrides/" + id), booking.adminToken()).status()).isEqualTo(409);
        assertThat(RecordedAudit.of(jdbc, booking.id(), "OVERRIDE_ENDED")).hasSize(1);
        assertThat(RecordedAudit.of(jdbc, platformId, "OVERRIDE_ENDED"))
                .anySatisfy(event -> assertThat(event.details().at("/overrideId").asString()).isEqualTo(id));
        assertThat(jdbc.sql("select status from users where tenant_id = cast(:tenant as uuid) and username = :name")
                .param("tenant", booking.id()).param("name", started.text("/override/account/username"))
                .query(String.class).single()).isEqualTo("DISABLED");
    }

    @Test
    void itEndsByItselfWhenItsWindowCloses() {
        Response started = start(operator, booking.slug(), json("reason", REASON, "minutes", 1));
        String id = started.text("/override/id");
        String token = started.text("/token");
        // The window closed a moment ago: move it back rather than wait a minute.
        jdbc.sql("""
                        update platform_overrides set starts_at = now() - interval '2 minutes',
                            expires_at = now() - interval '1 minute' where id = cast(:id as uuid)""")
                .param("id", id).update();

        assertThat(overrides.endLapsed()).isGreaterThanOrEqualTo(1);

        assertThat(api.get(booking.path("/users"), token).status()).isEqualTo(401);
        Response listed = api.get(booking.path("/overrides"), booking.adminToken());
        assertThat(listed.body().at("/items/0/state").asString()).isEqualTo("EXPIRED");
        RecordedAudit.Event ended = RecordedAudit.only(jdbc, booking.id(), "OVERRIDE_ENDED");
        assertThat(ended.details().at("/endedBy").asString()).isEqualTo("expiry");
    }

    @Test
    void startingOneAlertsTheTenantsAdminsAsBreakGlass() throws InterruptedException {
        start(operator, booking.slug(), json("reason", REASON));

        Instant deadline = Instant.now().plusSeconds(20);
        List<String> raised = List.of();
        while (raised.isEmpty() && Instant.now().isBefore(deadline)) {
            raised = jdbc.sql("select details::text from alerts where tenant_id = cast(:tenant as uuid) and rule = 'breakGlass'")
                    .param("tenant", booking.id()).query(String.class).list();
            Thread.sleep(100);
        }
        assertThat(raised).singleElement().asString().contains("OVERRIDE_STARTED");
    }

    @Test
    void refusesWhatIsNotAnOperatorsTimeBoxedReasonedRequestAndWritesNothing() {
        Response tenantAdmin = start(booking.adminToken(), booking.slug(), json("reason", REASON));
        assertThat(tenantAdmin.status()).as("a tenant's own admin is no operator").isEqualTo(404);

        Response noReason = start(operator, booking.slug(), json("minutes", 10));
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.raw()).contains("reason");
        Response tooLong = start(operator, booking.slug(), json("reason", REASON, "minutes", 31));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.raw()).contains("minutes");
        Response unknownField = start(operator, booking.slug(), json("reason", REASON, "role", "OWNER"));
        assertThat(unknownField.status()).as(unknownField.raw()).isEqualTo(400);
        assertThat(start(operator, "platform", json("reason", REASON)).status()).isEqualTo(403);
        assertThat(start(operator, "no-such-tenant-here", json("reason", REASON)).status()).isEqualTo(404);

        assertThat(RecordedAudit.actions(jdbc, booking.id())).doesNotContain("OVERRIDE_STARTED");
        assertThat(jdbc.sql("select count(*) from platform_overrides where tenant_id = cast(:tenant as uuid)")
                .param("tenant", booking.id()).query(Integer.class).single()).isZero();
    }

    @Test
    void anotherTenantsAdminAndAStaffMemberWithoutTheAuditReadCannotSeeNorEndIt() {
        String id = start(operator, booking.slug(), json("reason", REASON)).text("/override/id");
        SignedInTenant other = SignedInTenant.create(api, operator, "booking");
        String staffToken = TestMembers.member("staff." + UUID.randomUUID().toString().substring(0, 6))
                .holding("STAFF").create(api, booking).token();

        assertThat(api.get(booking.path("/overrides"), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.delete(booking.path("/overrides/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(other.path("/overrides"), other.adminToken()).body().at("/items").size()).isZero();
        assertThat(api.get(booking.path("/overrides"), staffToken).status()).isEqualTo(403);
        assertThat(api.delete(booking.path("/overrides/" + id), staffToken).status()).isEqualTo(403);
        assertThat(api.get(booking.path("/overrides"), booking.adminToken()).body().at("/items/0/state").asString())
                .isEqualTo("ACTIVE");
    }
}
