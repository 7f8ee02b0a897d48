package dev.gatehouse.server.guests;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Seed 002 §2 over HTTP: a check sent without credentials is answered for the tenant's guest (the
 * booking pack's GUEST role) only where the tenant's settings say {@code guestAccess: true}; it never
 * reaches anything but the check API, asks about nobody but the guest, and is rate-limited per address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestCheckIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    private SignedInTenant booking(boolean guests) {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "booking");
        if (guests) {
            Response changed = api.patch(tenant.path("/settings"), tenant.adminToken(), json("guestAccess", true));
            assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
            assertThat(changed.body().at("/guestAccess").asBoolean()).isTrue();
        }
        return tenant;
    }

    private Response anonymousCheck(SignedInTenant tenant, String body) {
        return api.post(tenant.path("/check"), null, body);
    }

    @Test
    @Order(1)
    void aTenantThatDoesNotLetGuestsInAnswersAnAnonymousCheckWith401AsBefore() {
        SignedInTenant tenant = booking(false);

        Response answer = anonymousCheck(tenant, json("permission", "providers.view_public"));

        assertThat(answer.status()).as(answer.raw()).isEqualTo(401);
        assertThat(answer.body().has("allowed")).isFalse();
    }

    @Test
    @Order(1)
    void aGuestMayViewPublicProfilesSearchAndBookButNothingElse() {
        SignedInTenant tenant = booking(true);

        Response profiles = anonymousCheck(tenant, json("permission", "providers.view_public"));
        assertThat(profiles.status()).as(profiles.raw()).isEqualTo(200);
        assertThat(profiles.body().at("/allowed").asBoolean()).isTrue();
        assertThat(profiles.text("/principal")).isEqualTo("guest");
        assertThat(profiles.text("/via/role")).isEqualTo("GUEST");

        assertThat(anonymousCheck(tenant, json("user", "guest", "permission", "services.search"))
                .body().at("/allowed").asBoolean()).isTrue();
        assertThat(anonymousCheck(tenant, json("permission", "bookings.create_as_guest"))
                .body().at("/allowed").asBoolean()).isTrue();

        // seed 002 §2.4: no account features, no administration, no sensitive data.
        for (String refused : List.of("profile.manage", "bookings.history.read", "organization.data.read",
                "users.read", "MANAGE_BOOKINGS")) {
            Response denied = anonymousCheck(tenant, json("permission", refused));
            assertThat(denied.status()).as(refused + ": " + denied.raw()).isEqualTo(200);
            assertThat(denied.body().at("/allowed").asBoolean()).as(refused).isFalse();
            assertThat(denied.text("/principal")).isEqualTo("guest");
        }
    }

    @Test
    @Order(1)
    void aGuestBatchIsAnsweredInOrderAndBoundedTighterThanAUsersBatch() {
        SignedInTenant tenant = booking(true);

        Response batch = api.post(tenant.path("/check/batch"), null, json("checks", raw("""
                [{"permission": "services.search"}, {"permission": "bookings.manage"}]""")));

        assertThat(batch.status()).as(batch.raw()).isEqualTo(200);
        assertThat(batch.body().at("/results/0/allowed").asBoolean()).isTrue();
        assertThat(batch.body().at("/results/0/principal").asString()).isEqualTo("guest");
        assertThat(batch.body().at("/results/1/allowed").asBoolean()).isFalse();

        String many = "[" + String.join(",", java.util.Collections.nCopies(101, "{\"permission\": \"services.search\"}"))
                + "]";
        Response tooMany = api.post(tenant.path("/check/batch"), null, json("checks", raw(many)));
        assertThat(tooMany.status()).as(tooMany.raw()).isEqualTo(400);
        assertThat(tooMany.raw()).contains("checks");
    }

    @Test
    @Order(1)
    void aGuestCannotAskAboutAUserNorReachAnythingButTheCheckApi() {
        SignedInTenant tenant = booking(true);

        Response aboutAdmin = anonymousCheck(tenant, json("user", tenant.adminId(), "permission", "users.read"));
        assertThat(aboutAdmin.status()).as(aboutAdmin.raw()).isEqualTo(400);
        assertThat(aboutAdmin.raw()).contains("user");
        Response byName = anonymousCheck(tenant, json("user", "admin", "permission", "users.read"));
        assertThat(byName.status()).isEqualTo(400);

        assertThat(api.get(tenant.path("/users"), null).status()).isEqualTo(401);
        assertThat(api.get(tenant.path("/who-can?permission=services.search"), null).status()).isEqualTo(401);
        assertThat(api.get(tenant.path("/settings"), null).status()).isEqualTo(401);
    }

    @Test
    @Order(1)
    void aWrongTokenIsStillA401AndASignedInCallerIsStillAnsweredAsThemselves() {
        SignedInTenant tenant = booking(true);

        Response wrongToken = api.post(tenant.path("/check"), "made-up-token", json("permission", "services.search"));
        assertThat(wrongToken.status()).as(wrongToken.raw()).isEqualTo(401);

        Response admin = api.post(tenant.path("/check"), tenant.adminToken(),
                json("user", tenant.adminId(), "permission", "bookings.manage"));
        assertThat(admin.status()).as(admin.raw()).isEqualTo(200);
        assertThat(admin.body().at("/allowed").asBoolean()).isTrue();
        assertThat(admin.body().has("principal")).isFalse();
    }

    @Test
    @Order(1)
    void unknownAndPlatformTenantsAnswerTheSame401() {
        booking(true);
        Response unknown = api.post("/api/v1/tenants/no-such-tenant-anywhere/check", null,
                json("permission", "services.search"));
        Response platform = api.post("/api/v1/tenants/platform/check", null, json("permission", "services.search"));

        assertThat(unknown.status()).isEqualTo(401);
        assertThat(platform.status()).isEqualTo(401);
        assertThat(unknown.text("/detail")).isEqualTo(platform.text("/detail"));
    }

    @Test
    @Order(1)
    void aPackWithoutAGuestRoleCannotTurnGuestAccessOn() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");

        Response refused = api.patch(clinic.path("/settings"), clinic.adminToken(), json("guestAccess", true));

        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.raw()).contains("guestAccess");
        assertThat(api.get(clinic.path("/settings"), clinic.adminToken()).body().at("/guestAccess").asBoolean())
                .isFalse();
    }

    @Test
    @Order(1)
    void turningGuestAccessOffClosesTheDoorAtOnce() {
        SignedInTenant tenant = booking(true);
        assertThat(anonymousCheck(tenant, json("permission", "services.search")).status()).isEqualTo(200);

        api.patch(tenant.path("/settings"), tenant.adminToken(), json("guestAccess", false));

        assertThat(anonymousCheck(tenant, json("permission", "services.search")).status()).isEqualTo(401);
    }

    @Test
    @Order(1)
    void aGuestsDenialAskedToBeAuditedIsRecordedWithTheGuestAsActor() {
        SignedInTenant tenant = booking(true);

        Response denied = anonymousCheck(tenant, json("permission", "bookings.manage", "audit", true));
        assertThat(denied.body().at("/allowed").asBoolean()).isFalse();
        anonymousCheck(tenant, json("permission", "services.search", "audit", true));

        RecordedAudit.Event event = RecordedAudit.only(jdbc, tenant.id(), "PERMISSION_DENIED");
        assertThat(event.actor()).isEqualTo("guest");
        assertThat(event.actorRoles()).containsExactly("GUEST");
        assertThat(event.details().at("/permission").asString()).isEqualTo("bookings.manage");
        assertThat(event.details().at("/principal").asString()).isEqualTo("guest");
    }

    /** Last: it spends 127.0.0.1's guest-check limit (the production default, 300 a minute, refilled as it goes). */
    @Test
    @Order(2)
    void aFloodOfAnonymousChecksFromOneAddressIsRefusedWith429AndRetryAfter() {
        SignedInTenant tenant = booking(true);
        Response last = null;
        int refused = 0;
        for (int i = 0; i < 1_000 && refused == 0; i++) {
            last = anonymousCheck(tenant, json("permission", "services.search"));
            if (last.status() == 429) {
                refused++;
            }
        }
        assertThat(refused).isEqualTo(1);
        assertThat(last.http().headers().firstValue("Retry-After")).isPresent();
        assertThat(RecordedAudit.actions(jdbc, tenant.id())).doesNotContain("PERMISSION_DENIED");
    }
}
