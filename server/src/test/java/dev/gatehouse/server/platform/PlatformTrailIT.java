package dev.gatehouse.server.platform;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The platform's own trail (issue 11, "the platform's own audit trail readable by operators"):
 * operators' sign-ins and refusals land in the {@code platform} tenant's trail, and an operator with
 * the platform's audit.read reads, exports and verifies it through the tenant audit paths — and no
 * other tenant's trail, nor anyone else theirs.
 */
class PlatformTrailIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;


    OperatorFixtures fixtures;
    String operator;

    @BeforeEach
    void operator() {
        fixtures = new OperatorFixtures(api, jdbc, context);
        operator = operatorToken();
    }

    @Test
    void anOperatorReadsThePlatformsTrailWithTheirOwnSignInsAndRefusals() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String roleless = "ops-none-" + suffix;
        String refusedToken = fixtures.operatorWithoutRoles(roleless);
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        UUID staff = fixtures.staff(clinic, "staff.sue", "provider");
        assertThat(fixtures.breakGlass(refusedToken, clinic.slug(), staff, "ticket 12").status()).isEqualTo(403);
        String admin = fixtures.operatorWithRole("ops-admin-" + suffix, "ADMIN");

        Response page = api.get("/api/v1/tenants/platform/audit?actor=" + roleless, admin);

        assertThat(page.status()).as(page.raw()).isEqualTo(200);
        assertThat(lines(page.body().at("/items"))).containsExactly("PERMISSION_DENIED " + roleless,
                "LOGIN_SUCCEEDED " + roleless);
        assertThat(lines(api.get("/api/v1/tenants/platform/audit?actor=ops-admin-" + suffix, admin).body().at("/items")))
                .containsExactly("LOGIN_SUCCEEDED ops-admin-" + suffix);
        // What happened in the clinic stays in the clinic's trail.
        assertThat(api.get("/api/v1/tenants/platform/audit?actor=" + clinic.adminId(), admin).body().at("/items")
                .isEmpty()).isTrue();
        assertThat(api.get(clinic.path("/audit?actor=" + clinic.adminId()), clinic.adminToken()).body().at("/items")
                .isEmpty()).isFalse();
        // The same trail by the platform's id, and filtered as any trail is.
        Response byId = api.get("/api/v1/tenants/" + fixtures.platformId() + "/audit?action=PERMISSION_DENIED&actor="
                + roleless, admin);
        assertThat(byId.status()).as(byId.raw()).isEqualTo(200);
        assertThat(byId.body().at("/items/0/details/permission").asString()).isEqualTo("platform.break-glass");
        Response verified = api.get("/api/v1/tenants/platform/audit/verify", admin);
        assertThat(verified.status()).as(verified.raw()).isEqualTo(200);
        assertThat(verified.body().at("/ok").asBoolean()).isTrue();
    }

    @Test
    void creatingATenantIsRecordedOnThePlatformsTrailAsWellAsOnTheNewTenants() {
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");

        List<OperatorFixtures.Event> onPlatform = fixtures.since(fixtures.platformId(), 0, "TENANT_CREATED").stream()
                .filter(event -> clinic.id().equals(event.targetId())).toList();
        assertThat(onPlatform).singleElement().satisfies(event -> {
            assertThat(event.actorUsername()).isEqualTo(OPERATOR);
            assertThat(event.targetName()).isEqualTo(clinic.slug());
            assertThat(event.details().at("/pack").asString()).isEqualTo("clinic");
        });
        Response read = api.get("/api/v1/tenants/platform/audit?action=TENANT_CREATED", operator);
        assertThat(read.status()).as(read.raw()).isEqualTo(200);
        List<String> targets = new ArrayList<>();
        read.body().at("/items").forEach(item -> targets.add(item.at("/target/id").asString()));
        assertThat(targets).contains(clinic.id());
        assertThat(fixtures.since(clinic.id(), 0, "TENANT_CREATED")).singleElement()
                .satisfies(event -> assertThat(event.actorUsername()).isEqualTo(OPERATOR));
    }

    @Test
    void theSuperAdminExportsItAndTheExportIsRecordedInIt() {
        long mark = fixtures.lastSeq(fixtures.platformId());

        Response export = api.get("/api/v1/tenants/platform/audit/export?format=jsonl&action=LOGIN_SUCCEEDED", operator);

        assertThat(export.status()).as(export.raw()).isEqualTo(200);
        assertThat(export.raw()).contains("\"action\":\"LOGIN_SUCCEEDED\"").contains("\"username\":\"" + OPERATOR + "\"");
        assertThat(fixtures.since(fixtures.platformId(), mark, "AUDIT_EXPORTED")).singleElement()
                .satisfies(event -> assertThat(event.actorUsername()).isEqualTo(OPERATOR));
    }

    @Test
    void neitherATenantsAdminNorAnOperatorWithoutAuditReadReadsItAndOperatorsReadNoTenantsTrail() {
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        String roleless = fixtures.operatorWithoutRoles("ops-blind-" + UUID.randomUUID().toString().substring(0, 8));

        Response tenantAdmin = api.get("/api/v1/tenants/platform/audit", clinic.adminToken());
        assertThat(tenantAdmin.status()).as("as any other tenant's path").isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/" + fixtures.platformId() + "/audit", clinic.adminToken()).status())
                .isEqualTo(404);
        Response blind = api.get("/api/v1/tenants/platform/audit", roleless);
        assertThat(blind.status()).as(blind.raw()).isEqualTo(403);
        assertThat(blind.text("/detail")).contains("audit.read");
        assertThat(api.get(clinic.path("/audit"), operator).status()).as("a tenant's trail is the tenant's")
                .isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/platform/audit/export", roleless).status()).isEqualTo(403);
        // Reading is all: operators record no application events into it, nor purge it.
        assertThat(api.post("/api/v1/tenants/platform/audit/events", operator, json("action", "RECORD_VIEWED", "user",
                OPERATOR, "resource", raw("{\"type\": \"patient\", \"id\": \"p-1\"}"))).status()).isEqualTo(404);
    }

    private static List<String> lines(JsonNode items) {
        List<String> lines = new ArrayList<>();
        items.forEach(item -> lines.add(item.at("/action").asString() + " " + item.at("/actor/username").asString()));
        return lines;
    }
}
