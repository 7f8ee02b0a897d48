package dev.gatehouse.server.identityproviders;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@code …/identity-providers} (issue 15; docs/security.md, "Identity providers and JIT"). */
class IdentityProvidersIT extends IntegrationTest {

    private static final String SECRET = "the-client-secret-of-the-idp-0123456789";

    @Autowired
    private JdbcClient jdbc;

    private static String oidc(String name, String domains, String mappings) {
        return json("name", name, "kind", "OIDC", "domains", raw(domains), "jitProvisioning", true,
                "mappings", raw(mappings), "enforced", false,
                "config", raw("{\"issuer\": \"https://login.idp.test\", \"clientId\": \"gatehouse\","
                        + " \"clientSecret\": \"" + SECRET + "\"}"));
    }

    private static List<String> fields(Response response) {
        List<String> fields = new ArrayList<>();
        response.body().path("errors").forEach(error -> fields.add(error.path("field").asString()));
        return fields;
    }

    @Test
    void anAdminConnectsListsChangesAndRemovesAProviderWhoseSecretIsNeverAnsweredAndSealedAtRest() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response created = api.post(clinic.path("/identity-providers"), clinic.adminToken(),
                oidc("Entra", "[\"Clinic.Example\"]", "[{\"group\": \"nurses\", \"role\": \"provider\"}]"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.text("/id");
        assertThat(created.raw()).doesNotContain(SECRET);
        assertThat(created.text("/kind")).isEqualTo("OIDC");
        assertThat(created.body().path("domains").get(0).asString()).isEqualTo("clinic.example");
        assertThat(created.body().path("secretsSet").get(0).asString()).isEqualTo("clientSecret");
        assertThat(created.body().path("config").has("clientSecret")).isFalse();
        assertThat(created.text("/config/clientId")).isEqualTo("gatehouse");
        assertThat(created.text("/loginUrl")).endsWith(FakeIdentityProvider.PATH + "/" + clinic.slug() + "/" + id);
        assertThat(created.text("/endpoints/redirectUri")).endsWith("/sso/oidc/" + clinic.slug() + "/" + id + "/callback");
        assertThat(created.body().path("enabled").asBoolean()).isTrue();

        byte[] stored = jdbc.sql("select secrets from identity_providers where id = :id").param("id", UUID.fromString(id))
                .query(byte[].class).single();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET).doesNotContain("clientSecret");

        Response listed = api.get(clinic.path("/identity-providers"), clinic.adminToken());
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().path("items")).hasSize(1);
        assertThat(listed.raw()).doesNotContain(SECRET);

        // PATCH without the secret keeps it; with null removes it.
        Response renamed = api.patch(clinic.path("/identity-providers/" + id), clinic.adminToken(),
                json("name", "Entra ID", "config", raw("{\"issuer\": \"https://login2.idp.test\"}")));
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
        assertThat(renamed.text("/name")).isEqualTo("Entra ID");
        assertThat(renamed.body().path("secretsSet")).hasSize(1);
        assertThat(context.getBean(IdentityProviders.class).find(new dev.gatehouse.server.shared.TenantId(
                UUID.fromString(clinic.id())), UUID.fromString(id)).orElseThrow().secrets())
                .containsEntry("clientSecret", SECRET);
        Response cleared = api.patch(clinic.path("/identity-providers/" + id), clinic.adminToken(),
                json("config", raw("{\"issuer\": \"https://login2.idp.test\", \"clientSecret\": null}"),
                        "enabled", false));
        assertThat(cleared.status()).as(cleared.raw()).isEqualTo(200);
        assertThat(cleared.body().path("secretsSet")).isEmpty();
        assertThat(cleared.body().path("enabled").asBoolean()).isFalse();

        List<RecordedAudit.Event> updates = RecordedAudit.of(jdbc, clinic.id(), "IDENTITY_PROVIDER_UPDATED");
        assertThat(updates).hasSize(2);
        assertThat(updates.get(1).details().path("changed").toString()).contains("config.clientSecret", "enabled");
        assertThat(RecordedAudit.only(jdbc, clinic.id(), "IDENTITY_PROVIDER_CREATED").details().toString())
                .doesNotContain(SECRET);

        assertThat(api.delete(clinic.path("/identity-providers/" + id), clinic.adminToken()).status()).isEqualTo(204);
        assertThat(api.get(clinic.path("/identity-providers/" + id), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(RecordedAudit.only(jdbc, clinic.id(), "IDENTITY_PROVIDER_DELETED").targetId()).isEqualTo(id);
    }

    @Test
    void badInputIsRefusedNamingEachFieldAndNothingIsSaved() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response bad = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "", "kind",
                "SAML", "preset", "OKTA", "domains", raw("[\"not a domain\", \"ok.example\"]"), "mappings",
                raw("[{\"group\": \"g\", \"role\": \"no_such_role\"}, {\"claim\": \"dept\", \"role\": \"provider\"},"
                        + " {\"group\": \"g\", \"role\": \"provider\", \"location\": \"" + UUID.randomUUID() + "\"}]"),
                "config", raw("{}")));
        assertThat(bad.status()).as(bad.raw()).isEqualTo(400);
        assertThat(fields(bad)).contains("name", "preset", "domains[0]", "mappings[0].role", "mappings[1].value",
                "mappings[2].location");

        Response badConfig = api.post(clinic.path("/identity-providers"), clinic.adminToken(),
                json("name", "Okta", "kind", "OIDC", "config", raw("{\"issuer\": \"http://plain.idp.test\"}")));
        assertThat(badConfig.status()).isEqualTo(400);
        assertThat(fields(badConfig)).containsExactly("config.issuer");

        Response unknown = api.post(clinic.path("/identity-providers"), clinic.adminToken(),
                json("name", "Okta", "kind", "OIDC", "colour", "blue", "config", raw("{\"issuer\": \"https://a.idp.test\"}")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(fields(unknown)).containsExactly("colour");

        assertThat(api.get(clinic.path("/identity-providers"), clinic.adminToken()).body().path("items")).isEmpty();
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "IDENTITY_PROVIDER_CREATED")).isEmpty();
    }

    @Test
    void aDomainRoutesToOneProviderOfTheTenantAndTheKindNeverChanges() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response first = api.post(clinic.path("/identity-providers"), clinic.adminToken(),
                oidc("Entra", "[\"clinic.example\"]", "[]"));
        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        Response second = api.post(clinic.path("/identity-providers"), clinic.adminToken(),
                oidc("Okta", "[\"other.example\", \"CLINIC.example\"]", "[]"));
        assertThat(second.status()).isEqualTo(400);
        assertThat(fields(second)).containsExactly("domains[1]");
        Response sameName = api.post(clinic.path("/identity-providers"), clinic.adminToken(),
                oidc("entra", "[]", "[]"));
        assertThat(fields(sameName)).containsExactly("name");

        // Another tenant may route the same domain to its own provider.
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.post(other.path("/identity-providers"), other.adminToken(),
                oidc("Entra", "[\"clinic.example\"]", "[]")).status()).isEqualTo(201);

        Response kind = api.patch(clinic.path("/identity-providers/" + first.text("/id")), clinic.adminToken(),
                json("kind", "LDAP"));
        assertThat(kind.status()).isEqualTo(400);
        assertThat(fields(kind)).containsExactly("kind");
    }

    @Test
    void anotherTenantsProviderIsNotFoundAndALowerRoleIsRefused() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        String id = api.post(clinic.path("/identity-providers"), clinic.adminToken(),
                oidc("Entra", "[]", "[]")).text("/id");

        assertThat(api.get(other.path("/identity-providers/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.patch(other.path("/identity-providers/" + id), other.adminToken(), json("name", "Mine"))
                .status()).isEqualTo(404);
        assertThat(api.delete(other.path("/identity-providers/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/identity-providers/" + id), other.adminToken()).status()).isEqualTo(404);

        String manager = TestMembers.member("mia").holding("manager").create(api, clinic).token();
        assertThat(api.get(clinic.path("/identity-providers"), manager).status()).isEqualTo(403);
        assertThat(api.post(clinic.path("/identity-providers"), manager, oidc("Mine", "[]", "[]")).status())
                .isEqualTo(403);
        assertThat(api.delete(clinic.path("/identity-providers/" + id), manager).status()).isEqualTo(403);
    }

    @Test
    void nobodyMapsARoleTheyCouldNotGiveThemselves() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response role = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "sso_admin", "name",
                "SSO admin", "grants", raw("""
                        [{"permission": "identity-providers.manage", "scope": "TENANT"},
                         {"permission": "roles.assign", "scope": "TENANT"}]""")));
        assertThat(role.status()).as(role.raw()).isEqualTo(201);
        String sam = TestMembers.member("sam").holding("sso_admin").create(api, clinic).token();

        Response escalating = api.post(clinic.path("/identity-providers"), sam,
                oidc("Entra", "[]", "[{\"group\": \"everyone\", \"role\": \"owner\"}]"));
        assertThat(escalating.status()).as(escalating.raw()).isEqualTo(403);
        assertThat(api.get(clinic.path("/identity-providers"), sam).body().path("items")).isEmpty();

        Response own = api.post(clinic.path("/identity-providers"), sam,
                oidc("Entra", "[]", "[{\"group\": \"admins\", \"role\": \"sso_admin\"}]"));
        assertThat(own.status()).as(own.raw()).isEqualTo(201);
        // Nor by a later change.
        Response patched = api.patch(clinic.path("/identity-providers/" + own.text("/id")), sam,
                json("mappings", raw("[{\"claim\": \"dept\", \"value\": \"it\", \"role\": \"owner\"}]")));
        assertThat(patched.status()).isEqualTo(403);
        JsonNode kept = api.get(clinic.path("/identity-providers/" + own.text("/id")), sam).body().path("mappings");
        assertThat(kept.get(0).path("role").asString()).isEqualTo("sso_admin");
    }
}
