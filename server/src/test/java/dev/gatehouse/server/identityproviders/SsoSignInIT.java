package dev.gatehouse.server.identityproviders;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Home-realm discovery and enforced single sign-on (issue 15). */
class SsoSignInIT extends IntegrationTest {

    @Autowired
    private JdbcClient jdbc;

    private Response discover(String tenant, String email) {
        return api.get("/api/v1/auth/discover?tenant=" + tenant + "&email="
                + URLEncoder.encode(email, StandardCharsets.UTF_8), null);
    }

    private Response login(SignedInTenant clinic, String username, String password) {
        return api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", username, "password",
                password));
    }

    private String provider(SignedInTenant clinic, String name, String kind, String domains, boolean enforced,
            String config) {
        Response created = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", name, "kind",
                kind, "domains", raw(domains), "enforced", enforced, "config", raw(config)));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/id");
    }

    @Test
    void discoveryRoutesByDomainAloneWithoutTellingWhoHasAnAccount() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String entra = provider(clinic, "Entra", "OIDC", "[\"clinic.example\"]", false,
                "{\"issuer\": \"https://login.idp.test\"}");
        provider(clinic, "Directory", "LDAP", "[\"ldap.example\"]", false, "{\"url\": \"ldaps://dc.idp.test\"}");
        TestMembers.member("ann").withEmail("ann@clinic.example").holding("front_desk").create(api, clinic);

        Response known = discover(clinic.slug(), "ann@clinic.example");
        assertThat(known.status()).as(known.raw()).isEqualTo(200);
        assertThat(known.text("/method")).isEqualTo("SSO");
        assertThat(known.text("/provider/id")).isEqualTo(entra);
        assertThat(known.text("/provider/name")).isEqualTo("Entra");
        assertThat(known.text("/provider/loginUrl")).endsWith(FakeIdentityProvider.PATH + "/" + clinic.slug() + "/" + entra);
        assertThat(discover(clinic.slug(), "nobody@CLINIC.example").body()).isEqualTo(known.body());

        assertThat(discover(clinic.slug(), "ann@elsewhere.example").body().toString()).isEqualTo("{\"method\":\"PASSWORD\"}");
        assertThat(discover(clinic.slug(), "ann").text("/method")).isEqualTo("PASSWORD");
        assertThat(discover(clinic.slug(), "x@ldap.example").text("/method")).as("LDAP signs in by password")
                .isEqualTo("PASSWORD");
        assertThat(discover("no-such-tenant-" + UUID.randomUUID(), "ann@clinic.example").text("/method"))
                .isEqualTo("PASSWORD");
        assertThat(api.get("/api/v1/auth/discover?tenant=" + clinic.slug(), null).status()).isEqualTo(400);

        api.patch(clinic.path("/identity-providers/" + entra), clinic.adminToken(), json("enabled", false));
        assertThat(discover(clinic.slug(), "ann@clinic.example").text("/method")).isEqualTo("PASSWORD");
    }

    @Test
    void anEnforcedProviderRefusesPasswordsOfItsDomainAndLinkedUsersButNotABreakGlassAdmin() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("ann").withEmail("ann@clinic.example").holding("front_desk")
                .create(api, clinic);
        TestMembers.Member olga = TestMembers.member("olga").withEmail("olga@clinic.example").holding("owner")
                .create(api, clinic);
        TestMembers.Member lars = TestMembers.member("lars").withEmail("lars@partner.example").holding("front_desk")
                .create(api, clinic);
        TestMembers.Member gus = TestMembers.member("gus").withEmail("gus@clinic.example").holding("front_desk")
                .create(api, clinic);
        TestMembers.Member out = TestMembers.member("out").withEmail("out@elsewhere.example").holding("front_desk")
                .create(api, clinic);
        String id = provider(clinic, "Entra", "OIDC", "[\"clinic.example\"]", false,
                "{\"issuer\": \"https://login.idp.test\", \"breakGlassUsers\": [\"GUS\"]}");
        // lars signs in through the provider once, linked by consent.
        Provisioning provisioning = context.getBean(Provisioning.class);
        TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
        Origin origin = new Origin("127.0.0.1", "SsoSignInIT");
        var consent = (Provisioning.Result.ConsentNeeded) provisioning.signIn(tenant, UUID.fromString(id),
                new ExternalIdentity("sub-lars", "lars@partner.example", true, null, "Lars", "L", List.of(), Map.of()),
                origin);
        assertThat(provisioning.link(consent.linkToken(), origin)).isPresent();

        assertThat(login(clinic, "ann", ann.password()).status()).as("not enforced yet").isEqualTo(200);
        assertThat(api.patch(clinic.path("/identity-providers/" + id), clinic.adminToken(), json("enforced", true))
                .status()).isEqualTo(200);

        Response refused = login(clinic, "ann", ann.password());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.raw()).doesNotContain("SSO").doesNotContain("enforced");
        assertThat(login(clinic, "lars", lars.password()).status()).as("linked to the provider").isEqualTo(401);
        assertThat(login(clinic, "olga", olga.password()).status()).as("holds identity-providers.manage")
                .isEqualTo(200);
        assertThat(login(clinic, "gus", gus.password()).status()).as("listed in breakGlassUsers").isEqualTo(200);
        assertThat(login(clinic, "out", out.password()).status()).as("another domain").isEqualTo(200);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "LOGIN_FAILED"))
                .filteredOn(event -> event.details().path("reason").asString().equals("SSO_ENFORCED")).hasSize(2);

        api.patch(clinic.path("/identity-providers/" + id), clinic.adminToken(), json("enabled", false));
        assertThat(login(clinic, "ann", ann.password()).status()).as("a disabled provider enforces nothing")
                .isEqualTo(200);
    }
}
