package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static dev.gatehouse.server.users.UserFixtures.role;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.TestMembers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 16: a domain mapping's role and {@code registration.defaultRole} are handed to strangers who
 * register, so whoever sets them may name only a role granting nothing beyond their own access —
 * otherwise a holder of {@code domain-mappings.manage} or {@code settings.edit} could register
 * themselves a second account as the tenant's owner.
 */
class RegistrationRolesIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    @Test
    void aRoleForRegistrantsGrantsNothingBeyondWhatItsSetterHolds() {
        UserFixtures fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
        UserFixtures.Tenant clinic = fixtures.clinic();
        fixtures.customRole(clinic, "signup_lead", "TENANT", "domain-mappings.manage", "settings.read", "settings.edit",
                "users.read");
        TestMembers.Member lead = fixtures.member(clinic, "lead", "[" + role("signup_lead") + "]");
        String mappings = "/api/v1/tenants/" + clinic.slug() + "/domain-mappings";
        String settings = "/api/v1/tenants/" + clinic.slug() + "/settings";

        Response owner = api.post(mappings, lead.token(), json("pattern", clinic.slug() + ".example.org",
                "defaultRole", "owner"));
        assertThat(owner.status()).as(owner.raw()).isEqualTo(403);
        assertThat(owner.text("/detail")).contains("beyond your own access");
        assertThat(api.get(mappings, clinic.owner()).raw()).isEqualTo("[]");
        Response own = api.post(mappings, lead.token(), json("pattern", clinic.slug() + ".example.org",
                "defaultRole", "signup_lead"));
        assertThat(own.status()).as(own.raw()).isEqualTo(201);

        Response ownerForAll = api.patch(settings, lead.token(),
                json("registration", raw("{\"open\": true, \"defaultRole\": \"owner\"}")));
        assertThat(ownerForAll.status()).as(ownerForAll.raw()).isEqualTo(403);
        assertThat(ownerForAll.text("/detail")).contains("beyond your own access");
        assertThat(api.get(settings, clinic.owner()).body().at("/registration/open").asBoolean()).isFalse();
        Response leadForAll = api.patch(settings, lead.token(),
                json("registration", raw("{\"open\": true, \"defaultRole\": \"signup_lead\"}")));
        assertThat(leadForAll.status()).as(leadForAll.raw()).isEqualTo(200);
        assertThat(leadForAll.text("/registration/defaultRole")).isEqualTo("signup_lead");
        // The owner holds everything, so may name any role.
        assertThat(api.patch(settings, clinic.owner(), json("registration", raw("{\"defaultRole\": \"owner\"}")))
                .status()).isEqualTo(200);
    }
}
