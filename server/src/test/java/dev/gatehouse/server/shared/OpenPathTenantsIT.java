package dev.gatehouse.server.shared;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.saml.SamlTestProviders;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.UpstreamOidcProvider;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 11: the paths and doors open to callers who have not signed in name their tenant through one
 * resolver ({@link OpenTenants}; {@link PathTenant.For#GUEST} and {@link PathTenant.For#SIGN_IN}). Each
 * door, for an active tenant that lets guests in, signs in with passkeys alone and has an OIDC and a
 * SAML provider; the same tenant suspended; one that does not exist; and the platform: only the active
 * tenant is found, a sign-in door tells a suspended organisation's people so, and every other answer is
 * the one the door gives a tenant that does not exist.
 */
class OpenPathTenantsIT extends IntegrationTest {

    @RegisterExtension
    static final UpstreamOidcProvider idp = new UpstreamOidcProvider();

    @Autowired
    JdbcClient jdbc;

    // Made once: the doors only read them, and each row would otherwise make two tenants and four providers.
    private static Door open;
    private static Door suspended;
    private static String platformId;

    /** A tenant with a way in through every door, and the ids of its providers. */
    private record Door(SignedInTenant tenant, String domain, String oidc, String saml) {}

    @BeforeEach
    void tenants() {
        if (open != null) {
            return;
        }
        String operator = operatorToken();
        open = door(operator);
        suspended = door(operator);
        Response suspending = api.patch("/api/v1/tenants/" + suspended.tenant().slug(), operator,
                json("status", "SUSPENDED", "reason", "unpaid invoice"));
        assertThat(suspending.status()).as(suspending.raw()).isEqualTo(200);
        platformId = jdbc.sql("select id::text from tenants where slug = 'platform'").query(String.class).single();
    }

    private Door door(String operator) {
        SignedInTenant tenant = SignedInTenant.create(api, operator, "booking");
        Response settings = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"guestAccess\": true, \"mfaPolicy\": {\"passwordless\": true}}");
        assertThat(settings.status()).as(settings.raw()).isEqualTo(200);
        String domain = tenant.slug() + ".example";
        String issuer = idp.issuer("idp-" + tenant.slug());
        Response oidc = api.post(tenant.path("/identity-providers"), tenant.adminToken(), json("name", "Clinic OIDC",
                "kind", "OIDC", "domains", raw("[\"oidc." + domain + "\"]"), "config", raw(json("issuer", issuer, "clientId", "gatehouse",
                        "clientSecret", "client-secret-1", "scopes", raw("[\"openid\",\"email\"]"))),
                "jitProvisioning", false, "mappings", raw("[]"), "enforced", false));
        assertThat(oidc.status()).as(oidc.raw()).isEqualTo(201);
        Response saml = api.post(tenant.path("/identity-providers"), tenant.adminToken(), json("name", "Clinic SAML",
                "kind", "SAML", "domains", raw("[\"" + domain + "\"]"), "jitProvisioning", false, "enforced", false,
                "mappings", raw("[]"), "config", raw(json("idpMetadataXml", SamlTestProviders.metadata()))));
        assertThat(saml.status()).as(saml.raw()).isEqualTo(201);
        return new Door(tenant, domain, oidc.text("/id"), saml.text("/id"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            door        | named          | expected  | why
            GUEST_CHECK | open slug      | 200       | a tenant that lets guests in answers its guest
            GUEST_CHECK | open id        | 200       | named by its id, as every /api/v1/tenants path takes it
            GUEST_CHECK | open SLUG      | 200       | a slug in any case, as at every door open to anyone
            GUEST_CHECK | unknown        | 401       | no such tenant: the 401 of any anonymous request
            GUEST_CHECK | suspended slug | 401       | a suspended tenant answers as an unknown one
            GUEST_CHECK | suspended id   | 401       | by its id too
            GUEST_CHECK | platform       | 401       | the operators' tenant has no guests
            GUEST_CHECK | platform id    | 401       | by its id neither
            OIDC_START  | open slug      | 302       | on to the tenant's provider
            OIDC_START  | open id        | 401       | a sign-in names its organisation by slug: an id names nothing
            OIDC_START  | unknown        | 401       | not available, as for a provider that does not exist
            OIDC_START  | suspended slug | 403       | the organisation's people are told it is suspended
            OIDC_START  | suspended id   | 401       | an id names nothing, suspended or not
            OIDC_START  | platform       | 401       | the platform has no such provider
            SAML_META   | open slug      | 200       | the provider's SP metadata
            SAML_META   | open id        | 404       | an id names nothing at a sign-in door
            SAML_META   | unknown        | 404       | no such provider
            SAML_META   | suspended slug | 404       | a suspended tenant's provider is not served
            SAML_META   | platform       | 404       | the platform has no such provider
            SAML_START  | open slug      | 302       | on to the tenant's IdP
            SAML_START  | unknown        | 404       | the sign-in page: the link is not valid
            SAML_START  | suspended slug | 403       | told it is suspended
            SAML_START  | suspended id   | 404       | an id names nothing, suspended or not
            ISSUER      | open slug      | 200       | the tenant's OpenID Connect provider
            ISSUER      | open SLUG      | 200       | a slug in any case, as before
            ISSUER      | open id        | 404       | no issuer URL carries an id
            ISSUER      | unknown        | 404       | no such provider
            ISSUER      | suspended slug | 404       | a suspended tenant's provider does not exist
            ISSUER      | platform       | 200       | the platform's own provider (its operators sign in there)
            DISCOVERY   | open slug      | SSO       | the provider claiming the domain
            DISCOVERY   | open id        | SSO       | named by its id, as before
            DISCOVERY   | unknown        | PASSWORD  | an unknown tenant is answered as any other
            DISCOVERY   | suspended slug | PASSWORD  | a suspended one too
            DISCOVERY   | suspended id   | PASSWORD  | by its id too
            DISCOVERY   | platform       | PASSWORD  | the platform has no provider for the domain
            PASSKEY     | open slug      | 200       | passkeys alone, where the tenant allows them
            PASSKEY     | open id        | 401       | a sign-in names its organisation by slug
            PASSKEY     | unknown        | 401       | the uniform refusal
            PASSKEY     | suspended slug | 403       | told it is suspended, as at the password step
            PASSKEY     | platform       | 401       | the platform does not allow passkeys alone
            """, useHeadersInDisplayName = true, quoteCharacter = '"')
    void onlyAnActiveTenantIsFoundAndASignInDoorSaysWhenItIsSuspended(String door, String named, String expected,
            String why) {
        Door at = named.startsWith("suspended") ? suspended : open;
        String tenant = switch (named) {
            case "open slug", "suspended slug" -> at.tenant().slug();
            case "open SLUG" -> at.tenant().slug().toUpperCase(Locale.ROOT);
            case "open id", "suspended id" -> at.tenant().id();
            case "unknown" -> "no-such-tenant-here";
            case "platform" -> "platform";
            case "platform id" -> platformId;
            default -> throw new IllegalArgumentException(named);
        };
        Response answer = switch (door) {
            case "GUEST_CHECK" -> api.post("/api/v1/tenants/" + tenant + "/check", null,
                    json("permission", "providers.view_public"));
            case "OIDC_START" -> api.get("/sso/oidc/" + tenant + "/" + at.oidc(), null);
            case "SAML_META" -> api.get("/sso/saml/" + tenant + "/" + at.saml() + "/metadata", null);
            case "SAML_START" -> api.get("/sso/saml/" + tenant + "/" + at.saml(), null);
            case "ISSUER" -> api.get("/oauth2/" + tenant + "/.well-known/openid-configuration", null);
            case "DISCOVERY" -> api.get("/api/v1/auth/discover?tenant=" + tenant + "&email=ann@" + at.domain(), null);
            case "PASSKEY" -> api.post("/api/v1/auth/passkey/options", null, json("tenant", tenant));
            default -> throw new IllegalArgumentException(door);
        };

        if (door.equals("DISCOVERY")) {
            assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
            assertThat(answer.text("/method")).as(why + ": " + answer.raw()).isEqualTo(expected);
            assertThat(answer.body().at("/tenant").isMissingNode() || answer.body().at("/tenant").isNull())
                    .as("no other tenant named: " + answer.raw()).isTrue();
            return;
        }
        assertThat(answer.status()).as(why + ": " + answer.raw()).isEqualTo(Integer.parseInt(expected));
        if (expected.equals("403")) {
            assertThat(answer.raw()).as("said plainly: " + why).contains("suspended");
        } else if (!door.equals("ISSUER")) {
            // The issuer's 404 says "does not exist or is suspended" to every name alike.
            assertThat(answer.raw()).as("nothing said of a suspension: " + why).doesNotContain("suspended");
        }
    }
}
