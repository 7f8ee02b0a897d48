package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/me}'s {@code grants} and {@code locations} (issue 14): what a browser needs to
 * decide "may I here?" without the location tree, as the JavaScript helper does.
 */
class MyAccessIT extends IntegrationTest {

    @Test
    void aLocationScopedRoleListsEveryLocationBelowAndATenantWideOneIsEverywhere() {
        SignedInTenant clinic = TestTenants.tenant("clinic").create(api, operatorToken());
        ApiClient.Response role = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "ward_lead", "name",
                "Ward lead", "description", "made by a test", "inherits", raw("[]"), "grants", raw("""
                        [{"permission": "patients.read", "scope": "LOCATION"},
                         {"permission": "patients.read", "scope": "TENANT", "condition": "resource.amount < 500"},
                         {"permission": "refunds.approve", "scope": "LOCATION", "condition": "resource.amount < 500"}]""")));
        assertThat(role.status()).as(role.raw()).isEqualTo(201);
        String north = TestTenants.location(api, clinic, "North", null);
        String northA = TestTenants.location(api, clinic, "North A", north);
        String northA1 = TestTenants.location(api, clinic, "North A 1", northA);
        TestTenants.location(api, clinic, "South", null);
        TestMembers.Member lee = TestMembers.member("lee").holding("ward_lead").at(north).holding("front_desk")
                .create(api, clinic);

        JsonNode me = api.get("/api/v1/me", lee.token()).body();

        JsonNode read = grant(me, "patients.read");
        assertThat(read.path("scope").asString()).isEqualTo("LOCATION");
        assertThat(read.path("everywhere").asBoolean()).isFalse();
        assertThat(read.path("locations").valueStream().map(JsonNode::asString).toList())
                .containsExactlyInAnyOrder(north, northA, northA1);
        assertThat(read.path("conditional").asBoolean())
                .as("held without a condition at North; the conditional tenant-wide grant only widens it").isFalse();
        assertThat(grant(me, "refunds.approve").path("conditional").asBoolean()).isTrue();

        JsonNode checkIn = grant(me, "appointments.check_in");
        assertThat(checkIn.path("everywhere").asBoolean()).as("front desk is held tenant-wide").isTrue();
        assertThat(checkIn.path("locations").isEmpty()).isTrue();

        assertThat(me.path("locations").valueStream().map(JsonNode::toString).toList())
                .containsExactly(json("id", north, "name", "North"));
        assertThat(me.path("permissions").valueStream().map(JsonNode::asString).toList())
                .as("the names alone, as before").containsAll(List.of("patients.read", "appointments.check_in"));
    }

    @Test
    void nothingIsListedWhileRequiredActionsArePending() {
        SignedInTenant clinic = TestTenants.tenant("clinic").create(api, operatorToken());
        String north = TestTenants.location(api, clinic, "North", null);
        String id = TestMembers.member("new.hire").holding("provider").at(north)
                .createWithoutSignIn(api, clinic.slug(), clinic.adminToken());
        String token = api.login(clinic.slug(), "new.hire", TestMembers.INITIAL);

        JsonNode me = api.get("/api/v1/me", token).body();

        assertThat(me.path("user").path("id").asString()).isEqualTo(id);
        assertThat(me.path("requiredActions").isEmpty()).isFalse();
        assertThat(me.path("grants").isEmpty()).isTrue();
        assertThat(me.path("locations").isEmpty()).isTrue();
    }

    private static JsonNode grant(JsonNode me, String permission) {
        return me.path("grants").valueStream().filter(grant -> grant.path("permission").asString().equals(permission))
                .findFirst().orElseThrow(() -> new AssertionError("no grant of " + permission + " in " + me));
    }
}
