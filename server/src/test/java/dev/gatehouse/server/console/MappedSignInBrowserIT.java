package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the sign-in page's "Use single sign-on" with no organisation typed follows a parent's domain
 * mapping to its child's identity provider; a mapping to a tenant without one fills the organisation in for
 * the password; an address no mapping routes is asked for its organisation, naming none.
 */
class MappedSignInBrowserIT extends BrowserTest {

    /** The test identity provider's sign-in page (identityproviders.FakeIdentityProvider). */
    private static final String TEST_IDP = "/console/sign-in/test-idp/";

    @Test
    void anAddressWithoutAnOrganisationGoesWhereTheMappingSendsIt() {
        SignedInTenant parent = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant child = TestTenants.tenant("clinic").parent(parent.slug()).create(api, operatorToken());
        String company = "company-" + child.slug() + ".example";
        Response provider = api.post(child.path("/identity-providers"), child.adminToken(), json("name", "Child Entra",
                "kind", "OIDC", "domains", raw("[\"" + company + "\"]"),
                "config", raw("{\"issuer\": \"https://login.idp.test\"}")));
        assertThat(provider.status()).as(provider.raw()).isEqualTo(201);
        for (String[] mapping : new String[][] {{"*." + company, "10", child.slug()}, {"us." + company, "20",
                parent.slug()}}) {
            Response created = api.post(parent.path("/domain-mappings"), parent.adminToken(), json("pattern",
                    mapping[0], "priority", Integer.parseInt(mapping[1]), "targetTenant", mapping[2]));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
        }

        ConsoleBrowser stranger = browser().open(ConsoleSecurity.SIGN_IN);
        stranger.fill("Username", "ann@eu." + company).press("Use single sign-on");
        stranger.waitUntil(Duration.ofSeconds(15), d -> String.valueOf(d.getCurrentUrl()).contains(TEST_IDP));
        assertThat(stranger.path()).startsWith(TEST_IDP + child.slug() + "/" + provider.text("/id"));

        ConsoleBrowser parentsPerson = browser().open(ConsoleSecurity.SIGN_IN);
        parentsPerson.fill("Username", "bo@us." + company).press("Use single sign-on");
        assertThat(parentsPerson.field("Organisation").getDomProperty("value")).isEqualTo(parent.slug());
        assertThat(parentsPerson.text()).contains("Enter your password to sign in.");
        parentsPerson.screenshot("sign-in-mapped-organisation");

        ConsoleBrowser unmapped = browser().open(ConsoleSecurity.SIGN_IN);
        unmapped.fill("Username", "cy@elsewhere-" + UUID.randomUUID() + ".example").press("Use single sign-on");
        assertThat(unmapped.find("[id='tenant-error']").getText()).contains("is required");
        assertThat(unmapped.text()).as("no tenant named to a stranger").doesNotContain(parent.slug(), child.slug());
        unmapped.screenshot("sign-in-organisation-needed");
    }
}
