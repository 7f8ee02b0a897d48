package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Roles and Locations screens over HTTP: what a reader without the change permissions sees,
 * and how the services' refusals come back on the forms (field errors, no-escalation, cycles).
 */
class RolesConsoleIT extends IntegrationTest {

    private SignedInTenant tenant;
    private ConsoleClient console;

    @BeforeEach
    void tenant() {
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        console = new ConsoleClient(port());
    }

    /** A custom role with these tenant-wide grants, held tenant-wide by a new staff member. */
    private void staffWith(String username, String... permissions) {
        StringBuilder grants = new StringBuilder();
        for (String permission : permissions) {
            grants.append(grants.isEmpty() ? "" : ",").append(json("permission", permission, "scope", "TENANT"));
        }
        Response created = api.post(tenant.path("/roles"), tenant.adminToken(), json("key", username + "_role",
                "name", username, "grants", raw("[" + grants + "]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        TestMembers.member(username).holding(username + "_role").create(api, tenant);
    }

    @Test
    void aReaderSeesTheRolesAndTheirMatrixButNoWayToChangeThem() {
        staffWith("reader", "roles.read");
        console.signIn(tenant.slug(), "reader", TestMembers.PASSWORD);

        HttpResponse<String> list = console.get("/console/roles");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("Manager").contains("reader_role").doesNotContain("New custom role");

        HttpResponse<String> manager = console.get("/console/roles/manager");
        assertThat(manager.statusCode()).isEqualTo(200);
        assertThat(manager.body()).contains(">patients<").contains(">location<")
                .contains("needs <code>users.read</code>").doesNotContain("copyOf=manager")
                .doesNotContain("/console/roles/manager/delete").doesNotContain("/console/roles/manager/edit");

        HttpResponse<String> editor = console.get("/console/roles/new?copyOf=manager");
        assertThat(editor.statusCode()).isEqualTo(403);
        assertThat(editor.body()).contains("<code class=\"missing-permission\">roles.create</code>");
    }

    @Test
    void aRolesHoldersAreListedByUsernameThenWhereTenantWideFirstWithTheirLocationsNames() {
        String west = api.post(tenant.path("/locations"), tenant.adminToken(), json("name", "West wing")).text("/id");
        String east = api.post(tenant.path("/locations"), tenant.adminToken(), json("name", "East wing")).text("/id");
        TestMembers.member("zed").holding("manager").at(west).create(api, tenant);
        TestMembers.member("Amy").holding("manager").at(west).holding("manager").holding("manager").at(east)
                .create(api, tenant);
        console.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        HttpResponse<String> page = console.get("/console/roles/manager");

        assertThat(page.statusCode()).isEqualTo(200);
        String holders = page.body().substring(page.body().indexOf("holders-heading"));
        assertThat(holders).containsSubsequence(">Amy<", "Whole tenant", ">Amy<", "East wing", ">Amy<", "West wing",
                ">zed<", "West wing");
    }

    @Test
    void badInputComesBackOnTheEditorNextToItsFieldAndCellWithTheValuesKept() {
        console.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        console.get("/console/roles/new");

        HttpResponse<String> refused = console.post("/console/roles", Map.of("key", "9 lives", "name", "Night nurse",
                "grant", "patients.read", "scope-patients.read", "EVERYWHERE"));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body())
                .contains("aria-describedby=\"key-error\"")
                .contains("a role key is 1 to 64 letters")
                .contains("id=\"grant-patients-read-error\"")
                .contains("must be one of [OWN, ASSIGNED, LOCATION, TENANT]")
                .contains("value=\"Night nurse\"");
        assertThat(api.get(tenant.path("/roles/9%20lives"), tenant.adminToken()).status())
                .isEqualTo(404);
    }

    @Test
    void aRoleBeyondTheCreatorsOwnAccessIsRefusedOnTheForm() {
        staffWith("maker", "roles.read", "roles.create", "appointments.read");
        console.signIn(tenant.slug(), "maker", TestMembers.PASSWORD);
        console.get("/console/roles/new");

        HttpResponse<String> refused = console.post("/console/roles", Map.of("key", "snoop", "name", "Snoop",
                "grant", "patients.read", "scope-patients.read", "LOCATION"));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("role snoop would grant patients.read beyond your own tenant-wide access")
                .contains("value=\"snoop\"");
        assertThat(api.get(tenant.path("/roles/snoop"), tenant.adminToken()).status()).isEqualTo(404);

        HttpResponse<String> within = console.post("/console/roles", Map.of("key", "viewer", "name", "Viewer",
                "grant", "appointments.read", "scope-appointments.read", "LOCATION"));
        assertThat(within.statusCode()).as(within.body()).isEqualTo(302);
        assertThat(within.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l)
                .endsWith("/console/roles/viewer?created"));
    }

    @Test
    void moveUnderItsOwnChildAndABlankNameAreRefusedOnTheLocationForms() {
        String north = api.post(tenant.path("/locations"), tenant.adminToken(), json("name", "North")).text("/id");
        String clinic = api.post(tenant.path("/locations"), tenant.adminToken(), json("name", "Clinic", "parent", north))
                .text("/id");
        console.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        console.get("/console/locations/" + north);

        HttpResponse<String> cycle = console.post("/console/locations/" + north + "/parent", Map.of("parent", clinic));
        assertThat(cycle.statusCode()).isEqualTo(400);
        assertThat(cycle.body()).contains("aria-describedby=\"move-parent-error\"")
                .contains("cannot move a location under one of its own descendants");

        HttpResponse<String> blank = console.post("/console/locations/" + north + "/name", Map.of("name", "  "));
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(blank.body()).contains("aria-describedby=\"rename-name-error\"").contains("is required");

        Response after = api.get(tenant.path("/locations/" + north), tenant.adminToken());
        assertThat(after.text("/name")).isEqualTo("North");
        assertThat(after.body().at("/parent").isNull()).isTrue();
    }

    @Test
    void frontDeskMayNotOpenLocationsAndGetsTheForbiddenPage() {
        TestMembers.member("desk").holding("front_desk").create(api, tenant);
        console.signIn(tenant.slug(), "desk", TestMembers.PASSWORD);

        HttpResponse<String> page = console.get("/console/locations");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("<code class=\"missing-permission\">locations.read</code>");
    }
}
