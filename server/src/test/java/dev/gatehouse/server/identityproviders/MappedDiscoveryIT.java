package dev.gatehouse.server.identityproviders;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestTenants;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 16: home-realm discovery honours domain mappings that target a child tenant, under their priority,
 * with the tenant named or none; never a tenant outside the mapping owner's tree, and an anonymous caller
 * learns of no tenant a mapping does not route the domain to.
 */
class MappedDiscoveryIT extends IntegrationTest {

    @Autowired
    private JdbcClient jdbc;

    private Response discover(@Nullable String tenant, String email) {
        return api.get("/api/v1/auth/discover?" + (tenant == null ? "" : "tenant=" + tenant + "&") + "email="
                + URLEncoder.encode(email, StandardCharsets.UTF_8), null);
    }

    private void map(SignedInTenant owner, String pattern, int priority, String target) {
        Response created = api.post(owner.path("/domain-mappings"), owner.adminToken(), json("pattern", pattern,
                "priority", priority, "targetTenant", target));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
    }

    @Test
    void aParentsMappingSendsTheAddressToItsChildsProviderWithOrWithoutATenantNamed() {
        SignedInTenant parent = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant child = TestTenants.tenant("clinic").parent(parent.slug()).create(api, operatorToken());
        String company = "company-" + child.slug() + ".example";
        Response provider = api.post(child.path("/identity-providers"), child.adminToken(), json("name", "Child Entra",
                "kind", "OIDC", "domains", raw("[\"" + company + "\"]"),
                "config", raw("{\"issuer\": \"https://login.idp.test\"}")));
        assertThat(provider.status()).as(provider.raw()).isEqualTo(201);
        String entra = provider.text("/id");
        map(parent, "*." + company, 10, child.slug());
        map(parent, "us." + company, 20, parent.slug());
        map(parent, "eu." + company, 0, parent.slug());

        // No provider of the child lists eu.<company>: its one browser provider is where the mapping leads.
        for (String named : new String[] {parent.slug(), null}) {
            Response eu = discover(named, "ann@eu." + company);
            assertThat(eu.status()).as(eu.raw()).isEqualTo(200);
            assertThat(eu.text("/method")).as("*.company (10) outranks eu.company (0)").isEqualTo("SSO");
            assertThat(eu.text("/provider/id")).isEqualTo(entra);
            assertThat(eu.text("/provider/loginUrl")).endsWith(FakeIdentityProvider.PATH + "/" + child.slug() + "/"
                    + entra);
            assertThat(eu.text("/tenant")).isEqualTo(child.slug());
        }
        // us.<company> (20) outranks the wildcard: the parent itself, which has no provider.
        assertThat(discover(parent.slug(), "bo@us." + company).body().toString()).isEqualTo("{\"method\":\"PASSWORD\"}");
        assertThat(discover(null, "bo@us." + company).body().toString())
                .isEqualTo("{\"method\":\"PASSWORD\",\"tenant\":\"" + parent.slug() + "\"}");
        // Named, the child answers for itself as before; the mapping only adds the way from the parent.
        assertThat(discover(child.slug(), "ann@" + company).text("/provider/id")).isEqualTo(entra);
    }

    @Test
    void noMappingNamesNoTenantAndAMovedChildIsNoLongerTheOldParentsToFill() {
        SignedInTenant parent = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant child = TestTenants.tenant("clinic").parent(parent.slug()).create(api, operatorToken());
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        String company = "moved-" + child.slug() + ".example";
        assertThat(api.post(child.path("/identity-providers"), child.adminToken(), json("name", "Child Entra",
                "kind", "OIDC", "domains", raw("[\"" + company + "\"]"),
                "config", raw("{\"issuer\": \"https://login.idp.test\"}"))).status()).isEqualTo(201);
        map(parent, company, 0, child.slug());
        assertThat(discover(null, "cy@" + company).text("/tenant")).isEqualTo(child.slug());

        Response foreign = api.post(parent.path("/domain-mappings"), parent.adminToken(), json("pattern",
                "x." + company, "targetTenant", other.slug()));
        assertThat(foreign.status()).as("a tenant outside the tree is no target").isEqualTo(400);
        assertThat(foreign.text("/errors/0/field")).isEqualTo("targetTenant");

        assertThat(discover(null, "cy@unmapped-" + UUID.randomUUID() + ".example").body().toString())
                .as("no mapping: no tenant named to a stranger").isEqualTo("{\"method\":\"PASSWORD\"}");
        assertThat(api.get("/api/v1/auth/discover?email=cy@" + company, null).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/auth/discover", null).status()).isEqualTo(400);

        // The child moves under another parent: the old parent's mapping no longer routes anyone into it.
        jdbc.sql("update tenants set parent_id = :other where id = :child")
                .param("other", UUID.fromString(other.id())).param("child", UUID.fromString(child.id())).update();
        assertThat(discover(null, "cy@" + company).body().toString()).isEqualTo("{\"method\":\"PASSWORD\"}");
        assertThat(discover(parent.slug(), "cy@" + company).body().toString()).isEqualTo("{\"method\":\"PASSWORD\"}");
    }
}
