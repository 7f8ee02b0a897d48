package dev.gatehouse.server.platform;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Reason;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestTenants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16, tenant lifecycle (docs/api.md "Tenants (lifecycle)"): an operator suspends a tenant —
 * every session ends, API keys are refused, every check denies {@code InactiveTenant}, sign-in says
 * the organisation is suspended — and reactivates it (access back, sessions stay ended); moves it
 * under a parent without cycles; deletes it only when suspended, after its trail is archived; and
 * reads all of it on the platform's own trail. Tenants' users and operators without the permission
 * are refused, and learn nothing of other tenants.
 */
class TenantLifecycleIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;


    @Autowired
    Access access;

    OperatorFixtures fixtures;
    String operator;

    @BeforeEach
    void operator() {
        fixtures = new OperatorFixtures(api, jdbc, context);
        operator = operatorToken();
    }

    @Test
    void suspensionEndsEverySessionDeniesEveryCheckAndReactivationRestoresAccessButNoSession() {
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        Response key = api.post(clinic.path("/api-keys"), clinic.adminToken(), json("name", "billing sync", "scopes",
                raw("[\"users.read\"]")));
        assertThat(key.status()).as(key.raw()).isEqualTo(201);
        String secret = key.text("/key");
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(200);
        TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
        UUID admin = UUID.fromString(clinic.adminId());
        assertThat(decide(tenant, admin).allowed()).isTrue();

        Response suspended = api.patch("/api/v1/tenants/" + clinic.slug(), operator,
                json("status", "SUSPENDED", "reason", "unpaid invoice 2026-11"));

        assertThat(suspended.status()).as(suspended.raw()).isEqualTo(200);
        assertThat(suspended.text("/status")).isEqualTo("SUSPENDED");
        assertThat(api.get("/api/v1/me", clinic.adminToken()).status()).as("the session ended").isEqualTo(401);
        assertThat(api.get("/api/v1/me", secret).status()).as("the API key is refused").isEqualTo(401);
        Decision denied = decide(tenant, admin);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.reason()).isInstanceOf(Reason.InactiveTenant.class);
        Response signIn = api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username",
                SignedInTenant.ADMIN, "password", SignedInTenant.ADMIN_PASSWORD));
        assertThat(signIn.status()).as(signIn.raw()).isEqualTo(403);
        assertThat(signIn.text("/detail")).startsWith("This organisation is suspended; contact");
        assertThat(jdbc.sql("select count(*) from sessions where tenant_id = :t and ended_at is null")
                .param("t", tenant.value()).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select end_reason from sessions where tenant_id = :t").param("t", tenant.value())
                .query(String.class).list()).containsOnly("TENANT_SUSPENDED");

        Response reactivated = api.patch("/api/v1/tenants/" + clinic.id(), operator, json("status", "ACTIVE"));

        assertThat(reactivated.status()).as(reactivated.raw()).isEqualTo(200);
        assertThat(reactivated.text("/status")).isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/me", clinic.adminToken()).status()).as("ended sessions stay ended").isEqualTo(401);
        assertThat(api.get("/api/v1/me", secret).status()).as("the key works again").isEqualTo(200);
        assertThat(decide(tenant, admin).allowed()).isTrue();
        String again = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(actions(api.get(clinic.path("/audit?action=TENANT_SUSPENDED,TENANT_REACTIVATED"), again)))
                .containsExactly("TENANT_REACTIVATED", "TENANT_SUSPENDED");
        Response platform = api.get("/api/v1/platform/audit?action=TENANT_SUSPENDED,TENANT_REACTIVATED&target="
                + clinic.id(), operator);
        assertThat(platform.status()).as(platform.raw()).isEqualTo(200);
        assertThat(actions(platform)).containsExactly("TENANT_REACTIVATED", "TENANT_SUSPENDED");
        assertThat(platform.body().at("/items/1/details/reason").asString()).isEqualTo("unpaid invoice 2026-11");
        assertThat(platform.body().at("/items/1/actor/username").asString()).isEqualTo(OPERATOR);
    }

    @Test
    void aTenantMovesUnderAParentWithoutCyclesAndEveryTrailConcernedRecordsIt() {
        SignedInTenant group = SignedInTenant.create(api, operator, "clinic");
        SignedInTenant branch = SignedInTenant.create(api, operator, "clinic");
        SignedInTenant leaf = SignedInTenant.create(api, operator, "clinic");

        Response moved = api.patch("/api/v1/tenants/" + branch.slug(), operator, json("parent", group.slug()));
        assertThat(moved.status()).as(moved.raw()).isEqualTo(200);
        assertThat(moved.text("/parent")).isEqualTo(group.id());
        assertThat(api.patch("/api/v1/tenants/" + leaf.slug(), operator, json("parent", branch.id())).status())
                .isEqualTo(200);

        assertRefused(api.patch("/api/v1/tenants/" + group.slug(), operator, json("parent", leaf.slug())), "parent",
                "cycle");
        assertRefused(api.patch("/api/v1/tenants/" + group.slug(), operator, json("parent", group.slug())), "parent",
                "own parent");
        assertRefused(api.patch("/api/v1/tenants/" + group.slug(), operator, json("parent", "platform")), "parent",
                "platform");
        assertRefused(api.patch("/api/v1/tenants/" + group.slug(), operator, json("parent", "no-such-tenant")), "parent",
                "no tenant");
        assertThat(parentOf(group.id())).isNull();

        List<String> onPlatform = new ArrayList<>();
        api.get("/api/v1/platform/audit?action=TENANT_MOVED&target=" + branch.id(), operator).body().at("/items")
                .forEach(event -> onPlatform.add(event.at("/details/after/parent").asString()));
        assertThat(onPlatform).containsExactly(group.slug());
        JsonNode own = api.get(branch.path("/audit?action=TENANT_MOVED&target=" + branch.id()), branch.adminToken()).body()
                .at("/items");
        assertThat(own.size()).isEqualTo(1);
        assertThat(own.toString()).as("a child's trail never names its parent").doesNotContain(group.slug());
        assertThat(api.get(group.path("/audit?action=TENANT_MOVED"), group.adminToken()).body().at("/items/0/details/child")
                .asString()).isEqualTo(branch.slug());

        Response detached = api.patch("/api/v1/tenants/" + leaf.slug(), operator, "{\"parent\": null}");
        assertThat(detached.status()).as(detached.raw()).isEqualTo(200);
        assertThat(parentOf(leaf.id())).isNull();
    }

    @Test
    void aChangeIsAllOrNothingAndBadInputIsNamed() {
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        String path = "/api/v1/tenants/" + clinic.slug();

        assertRefused(api.patch(path, operator, json("name", "Renamed", "status", "PAUSED")), "status", "ACTIVE or");
        assertRefused(api.patch(path, operator, json("name", "Renamed", "parent", "no-such-parent")), "parent", "");
        assertRefused(api.patch(path, operator, json("status", "SUSPENDED", "slug", "x")), "slug", "");
        assertRefused(api.patch(path, operator, json("reason", "why")), "status", "");
        assertRefused(api.patch(path, operator, json("name", "Renamed", "reason", "why")), "reason", "");
        assertRefused(api.patch(path, operator, "{\"status\": \"SUSPENDED\", \"status\": \"ACTIVE\"}"), "status", "");
        Response tenant = api.get(path, operator);
        assertThat(tenant.text("/name")).isEqualTo("Tenant " + clinic.slug());
        assertThat(tenant.text("/status")).isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/me", clinic.adminToken()).status()).isEqualTo(200);
    }

    @Test
    void deletionNeedsASuspendedTenantArchivesItsTrailAndLeavesNoRowBehind() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        fixtures.staff(clinic, "staff.dee", "provider");
        TestTenants.location(api, clinic, "Downtown", null);
        String path = "/api/v1/tenants/" + clinic.slug();

        Response active = api.delete(path, operator);
        assertThat(active.status()).as(active.raw()).isEqualTo(409);
        assertThat(active.text("/detail")).contains("suspend it first");
        assertThat(api.patch(path, operator, json("status", "SUSPENDED")).status()).isEqualTo(200);
        long events = jdbc.sql("select count(*) from audit_events where tenant_id = :t")
                .param("t", UUID.fromString(clinic.id())).query(Long.class).single();

        Response deleted = api.delete(path, operator);

        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertThat(deleted.body().at("/events").asLong()).isEqualTo(events);
        Path archive = archiveDirectory().resolve(deleted.text("/archive"));
        assertThat(archive).exists();
        assertThat(Files.readAllLines(archive)).hasSize((int) events);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive))))
                .isEqualTo(deleted.text("/sha256"));
        assertThat(api.get(path, operator).status()).isEqualTo(404);
        assertThat(api.delete(path, operator).status()).isEqualTo(404);
        assertThat(api.patch(path, operator, json("status", "ACTIVE")).status()).isEqualTo(404);
        assertThat(rowsLeft(clinic.id())).as("every table with a tenant_id").isEmpty();
        Response platform = api.get("/api/v1/platform/audit?action=TENANT_DELETED&target=" + clinic.id(), operator);
        assertThat(platform.body().at("/items/0/details/archive/name").asString()).isEqualTo(deleted.text("/archive"));
        assertThat(platform.body().at("/items/0/details/archive/sha256").asString()).isEqualTo(deleted.text("/sha256"));
        assertThat(api.get("/api/v1/tenants/platform/audit/verify", operator).body().at("/ok").asBoolean()).isTrue();
    }

    /**
     * The deletion removes a tenant's rows through cascading foreign keys (V127): a table added
     * later with a foreign key onto tenants that does not cascade, or a tenant_id with no foreign key
     * at all, would make a deletion fail or leave rows behind. The trail's tables are removed by
     * the deletion itself.
     */
    @Test
    void everyTableOfATenantCascadesFromItsRow() {
        List<String> notCascading = jdbc.sql("""
                        select conrelid::regclass::text || '.' || conname from pg_constraint
                        where contype = 'f' and confrelid = 'tenants'::regclass and confdeltype <> 'c'
                          and conrelid <> 'tenants'::regclass
                        """).query(String.class).list();
        List<String> unlinked = jdbc.sql("""
                        select cl.relname from pg_attribute a
                        join pg_class cl on cl.oid = a.attrelid and cl.relkind = 'r'
                        join pg_namespace n on n.oid = cl.relnamespace and n.nspname = current_schema()
                        where a.attname = 'tenant_id' and not a.attisdropped
                          and cl.relname not in ('audit_events', 'audit_sequences', 'audit_event_roles')
                          and not exists (select 1 from pg_constraint c
                                          where c.conrelid = cl.oid and c.contype = 'f'
                                            and c.confrelid = 'tenants'::regclass)
                        """).query(String.class).list();

        assertThat(notCascading).as("foreign keys onto tenants without on delete cascade").isEmpty();
        assertThat(unlinked).as("tables with a tenant_id and no foreign key onto tenants").isEmpty();
    }

    @Test
    void aParentIsNotDeletedWhileItHasChildren() {
        SignedInTenant parent = SignedInTenant.create(api, operator, "clinic");
        SignedInTenant child = SignedInTenant.create(api, operator, "clinic");
        api.patch("/api/v1/tenants/" + child.slug(), operator, json("parent", parent.slug()));
        api.patch("/api/v1/tenants/" + parent.slug(), operator, json("status", "SUSPENDED"));

        Response refused = api.delete("/api/v1/tenants/" + parent.slug(), operator);

        assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
        assertThat(refused.text("/detail")).contains("child tenants");
    }

    @Test
    void tenantsUsersAndOperatorsWithoutThePermissionAreRefusedAndLearnNothing() {
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        SignedInTenant other = SignedInTenant.create(api, operator, "rcm");
        String suspend = json("status", "SUSPENDED");

        assertThat(api.patch("/api/v1/tenants/" + clinic.slug(), clinic.adminToken(), suspend).status()).isEqualTo(403);
        assertThat(api.patch("/api/v1/tenants/" + other.slug(), clinic.adminToken(), suspend).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/tenants/" + clinic.slug(), clinic.adminToken()).status()).isEqualTo(403);
        assertThat(api.delete("/api/v1/tenants/" + other.slug(), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/platform/audit", clinic.adminToken()).status()).isEqualTo(404);
        assertThat(api.patch("/api/v1/tenants/platform", operator, suspend).status()).isEqualTo(403);
        assertThat(api.delete("/api/v1/tenants/platform", operator).status()).isEqualTo(403);

        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String roleless = fixtures.operatorWithoutRoles("ops-none-" + suffix);
        Response denied = api.patch("/api/v1/tenants/" + other.slug(), roleless, suspend);
        assertThat(denied.status()).as(denied.raw()).isEqualTo(403);
        assertThat(denied.text("/detail")).contains("tenants.suspend");
        assertThat(api.delete("/api/v1/tenants/" + other.slug(), roleless).text("/detail")).contains("tenants.delete");
        assertThat(api.get("/api/v1/platform/audit", roleless).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/tenants/" + other.slug(), operator).text("/status")).isEqualTo("ACTIVE");

        // The platform ADMIN looks after tenants: suspends them and reads the platform's trail.
        String admin = fixtures.operatorWithRole("ops-admin-" + suffix, "ADMIN");
        assertThat(api.patch("/api/v1/tenants/" + other.slug(), admin, suspend).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/platform/audit?action=TENANT_SUSPENDED", admin).status()).isEqualTo(200);
    }

    private Decision decide(TenantId tenant, UUID user) {
        return access.decide(tenant, user, "users.read", null, RequestContext.EMPTY);
    }

    private @Nullable String parentOf(String tenant) {
        return jdbc.sql("select parent_id::text from tenants where id = :id").param("id", UUID.fromString(tenant))
                .query(String.class).optional().orElse(null);
    }

    /** Every table with a {@code tenant_id} column that still holds a row of the tenant. */
    private List<String> rowsLeft(String tenant) {
        List<String> tables = jdbc.sql("""
                        select c.table_name from information_schema.columns c
                        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
                        where c.column_name = 'tenant_id' and c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
                        """).query(String.class).list();
        List<String> left = new ArrayList<>();
        for (String table : tables) {
            long count = jdbc.sql("select count(*) from " + table + " where tenant_id::text = :t").param("t", tenant)
                    .query(Long.class).single();
            if (count > 0) {
                left.add(table + ": " + count);
            }
        }
        return left;
    }

    private static List<String> actions(Response page) {
        List<String> actions = new ArrayList<>();
        page.body().at("/items").forEach(event -> actions.add(event.at("/action").asString()));
        return actions;
    }

    private static void assertRefused(Response response, String field, String says) {
        assertThat(response.status()).as(response.raw()).isEqualTo(400);
        assertThat(response.text("/errors/0/field")).isEqualTo(field);
        assertThat(response.text("/errors/0/message")).contains(says);
    }
}
