package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

class PermissionsCatalogIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    private SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    private JsonNode entry(Response catalog, String key) {
        return StreamSupport.stream(catalog.body().spliterator(), false)
                .filter(e -> e.at("/key").asString().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void theCatalogIsAPlainArrayOfTheCanonicalPermissions() {
        Response catalog = api.get(clinic.path("/permissions"), clinic.adminToken());
        assertThat(catalog.status()).isEqualTo(200);
        assertThat(catalog.body().isArray()).isTrue();
        JsonNode patientsRead = entry(catalog, "patients.read");
        assertThat(patientsRead.at("/kind").asString()).isEqualTo("FUNCTIONAL");
        assertThat(patientsRead.at("/source").asString()).isEqualTo("PACK");
        assertThat(patientsRead.at("/description").asString()).isNotBlank();
        // docs/api.md: the admin API is guarded through the engine with these keys.
        assertThat(catalog.raw()).contains("\"roles.edit\"", "\"locations.create\"", "\"settings.read\"");
    }

    @Test
    void anApplicationRegistersItsOwnKeyAndRolesCanGrantItAtOnce() {
        Response before = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "waitlist_viewer", "name",
                "Waitlist viewer", "grants", raw("[{\"permission\": \"widgets.dashboard.waitlist\"}]")));
        assertThat(before.status()).isEqualTo(400);
        assertThat(before.text("/errors/0/field")).isEqualTo("grants[0].permission");

        Response registered = api.post(clinic.path("/permissions"), clinic.adminToken(), json("key",
                "widgets.dashboard.waitlist", "description", "The waitlist widget on the dashboard"));
        assertThat(registered.status()).as(registered.raw()).isEqualTo(201);
        assertThat(registered.text("/kind")).isEqualTo("WIDGET");
        assertThat(registered.text("/source")).isEqualTo("APPLICATION");
        Response catalog = api.get(clinic.path("/permissions"), clinic.adminToken());
        assertThat(entry(catalog, "widgets.dashboard.waitlist").at("/description").asString())
                .isEqualTo("The waitlist widget on the dashboard");
        assertThat(api.post(clinic.path("/permissions"), clinic.adminToken(), json("key", "pages.waitlist")).body()
                .at("/kind").asString()).isEqualTo("PAGE");

        Response role = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "waitlist_viewer", "name",
                "Waitlist viewer", "grants", raw("[{\"permission\": \"widgets.dashboard.waitlist\"}]")));
        assertThat(role.status()).as(role.raw()).isEqualTo(201);
        TestMembers.Member wendy = TestMembers.member("wendy").holding("waitlist_viewer").create(api, clinic);
        assertThat(permissions(wendy.token()))
                .contains("widgets.dashboard.waitlist");
        // The owner's wildcard grant covers a key registered after the owner signed in.
        assertThat(permissions(clinic.adminToken())).contains("widgets.dashboard.waitlist", "pages.waitlist");

        List<RecordedAudit.Event> events = RecordedAudit.of(jdbc, clinic.id(), "PERMISSION_REGISTERED");
        assertThat(events).extracting(RecordedAudit.Event::targetId)
                .containsExactly("widgets.dashboard.waitlist", "pages.waitlist");
    }

    private List<String> permissions(String token) {
        Response me = api.get("/api/v1/me", token);
        return StreamSupport.stream(me.body().at("/permissions").spliterator(), false).map(JsonNode::asString).toList();
    }

    @Test
    void aKeyAlreadyInTheCatalogConflicts() {
        assertThat(api.post(clinic.path("/permissions"), clinic.adminToken(), json("key", "patients.read"))
                .status()).isEqualTo(409);
        assertThat(api.post(clinic.path("/permissions"), clinic.adminToken(), json("key", "ehr.notes.sign"))
                .status()).isEqualTo(201);
        assertThat(api.post(clinic.path("/permissions"), clinic.adminToken(), json("key", "ehr.notes.sign"))
                .status()).isEqualTo(409);
    }

    @Test
    void refusesKeysOutsideThePermissionGrammarNamingTheField() {
        for (String bad : List.of("not a key", "*", "patients.*", ".read", "patients..read", "9lives.read",
                "a.b.c.d.e.f.g", "x".repeat(129))) {
            Response refused = api.post(clinic.path("/permissions"), clinic.adminToken(), json("key", bad));
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.text("/errors/0/field")).as(bad).isEqualTo("key");
        }
        Response missing = api.post(clinic.path("/permissions"), clinic.adminToken(), json("description", "no key"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.text("/errors/0/field")).isEqualTo("key");
        Response longDescription = api.post(clinic.path("/permissions"), clinic.adminToken(), json("key",
                "ehr.read", "description", "d".repeat(501)));
        assertThat(longDescription.status()).isEqualTo(400);
        assertThat(longDescription.text("/errors/0/field")).isEqualTo("description");
        Response wrongType = api.post(clinic.path("/permissions"), clinic.adminToken(), "{\"key\": [\"ehr.read\"]}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.text("/errors/0/field")).isEqualTo("key");
    }

    @Test
    void readingNeedsRolesReadAndRegisteringNeedsRolesEdit() {
        SignedInTenant rcm = SignedInTenant.create(api, operatorToken(), "rcm");
        String readonly = TestMembers.member("rita").holding("READONLY").create(api, rcm).token();
        assertThat(api.get(rcm.path("/permissions"), readonly).status()).isEqualTo(200);
        Response refused = api.post(rcm.path("/permissions"), readonly, json("key", "claims.appeal"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("/detail")).contains("roles.edit");

        TestMembers.Member fran = TestMembers.member("fran").holding("front_desk").create(api, clinic);
        assertThat(api.get(clinic.path("/permissions"), fran.token())
                .status()).isEqualTo(403);
    }

    @Test
    void anotherTenantsCatalogIsNotFound() {
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "booking");
        assertThat(api.get(other.path("/permissions"), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(api.post(other.path("/permissions"), clinic.adminToken(), json("key", "x.read")).status())
                .isEqualTo(404);
        assertThat(api.get(other.path("/permissions"), operatorToken()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/no-such-tenant/permissions", clinic.adminToken()).status()).isEqualTo(404);
    }
}
