package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code GET …/users/export} (seed 000, "Export - Download data"; the packs' {@code users.export},
 * "Download the staff list"): the roster as CSV for whoever holds users.export, the same users and
 * filters as the list, narrowed to where the export permission reaches, recorded as USERS_EXPORTED.
 */
class UserExportIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    SignedInTenant clinic;
    String north;
    String south;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        north = location("North");
        south = location("South");
    }

    @Test
    void theOwnerDownloadsTheStaffListAsCsvAndTheDownloadIsRecorded() {
        UUID nurse = UUID.fromString(TestMembers.member("nurse.north").called("Staff", "nurse.north")
                .holding("provider").at(north).create(api, clinic).id());
        TestMembers.member("desk.south").holding("front_desk").at(south).create(api, clinic);
        Response formula = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "formula.fred",
                "firstName", "=HYPERLINK(\"https://evil.example\")", "lastName", "Fred, Jr.", "password",
                "fred's own long passphrase"));
        assertThat(formula.status()).as(formula.raw()).isEqualTo(201);

        Response export = api.get(clinic.path("/users/export"), clinic.adminToken());

        assertThat(export.status()).as(export.raw()).isEqualTo(200);
        assertThat(export.http().headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(export.http().headers().firstValue("Content-Disposition").orElse(""))
                .contains("users-" + clinic.slug() + ".csv");
        List<String> lines = export.raw().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("id,username,firstName,lastName,email,phone,kind,status,hidden,roles,createdAt");
        assertThat(lines).hasSize(5);
        assertThat(lines).anySatisfy(line -> assertThat(line)
                .startsWith(nurse + ",nurse.north,Staff,nurse.north,,,HUMAN,ACTIVE,false,provider@" + north + ","));
        // A formula is defused and a comma quoted (RFC 4180, OWASP CSV injection).
        assertThat(lines).anySatisfy(line -> assertThat(line)
                .contains(",formula.fred,\"'=HYPERLINK(\"\"https://evil.example\"\")\",\"Fred, Jr.\","));

        Response recorded = api.get(clinic.path("/audit?action=USERS_EXPORTED"), clinic.adminToken());
        assertThat(recorded.body().at("/items").size()).isEqualTo(1);
        assertThat(recorded.body().at("/items/0/actor/username").asString()).isEqualTo(SignedInTenant.ADMIN);
        assertThat(recorded.body().at("/items/0/details/rows").asInt()).isEqualTo(4);
        assertThat(recorded.body().at("/items/0/details/format").asString()).isEqualTo("csv");
    }

    @Test
    void theListsFiltersApplyAndABadOneIsNamed() {
        TestMembers.member("nurse.north").holding("provider").at(north).create(api, clinic);
        TestMembers.member("desk.south").holding("front_desk").at(south).create(api, clinic);

        Response atSouth = api.get(clinic.path("/users/export?location=" + south), clinic.adminToken());
        assertThat(atSouth.raw().lines().skip(1).toList()).singleElement().asString().contains(",desk.south,");
        Response bad = api.get(clinic.path("/users/export?status=SLEEPING"), clinic.adminToken());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text("/errors/0/field")).isEqualTo("status");
        Response format = api.get(clinic.path("/users/export?format=xlsx"), clinic.adminToken());
        assertThat(format.status()).isEqualTo(400);
        assertThat(format.text("/errors/0/field")).isEqualTo("format");
    }

    @Test
    void aLocationScopedExporterGetsOnlyTheUsersWhollyAtTheirLocations() {
        Response role = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "north_lead", "name",
                "North lead", "description", "exports the North staff list", "inherits", raw("[]"), "grants",
                raw("[{\"permission\": \"users.read\", \"scope\": \"LOCATION\"},"
                        + " {\"permission\": \"users.export\", \"scope\": \"LOCATION\"}]")));
        assertThat(role.status()).as(role.raw()).isEqualTo(201);
        String lead = TestMembers.member("lead.north").holding("north_lead").at(north).create(api, clinic).token();
        TestMembers.member("floater").holding("provider").at(north).holding("provider").at(south).create(api, clinic);
        TestMembers.member("nurse.north").holding("provider").at(north).create(api, clinic);
        TestMembers.member("desk.south").holding("front_desk").at(south).create(api, clinic);

        Response export = api.get(clinic.path("/users/export"), lead);

        assertThat(export.status()).as(export.raw()).isEqualTo(200);
        assertThat(usernames(export)).containsExactlyInAnyOrder("lead.north", "nurse.north");
    }

    @Test
    void withoutUsersExportItIsRefusedAndAnotherTenantsListIsNotThere() {
        String manager = TestMembers.member("manager.north").holding("manager").at(north).create(api, clinic).token();
        assertThat(api.get(clinic.path("/users"), manager).status()).as("the manager reads the list").isEqualTo(200);

        Response refused = api.get(clinic.path("/users/export"), manager);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("/detail")).contains("users.export");
        assertThat(api.get(clinic.path("/audit?action=USERS_EXPORTED"), clinic.adminToken()).body().at("/items")
                .isEmpty()).isTrue();
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.get(clinic.path("/users/export"), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/users/export"), operatorToken()).status()).isEqualTo(404);
    }

    private List<String> usernames(Response export) {
        return export.raw().lines().skip(1).map(line -> Arrays.asList(line.split(",")).get(1)).toList();
    }

    private String location(String name) {
        Response created = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", name));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/id");
    }
}
