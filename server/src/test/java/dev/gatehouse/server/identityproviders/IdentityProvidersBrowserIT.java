package dev.gatehouse.server.identityproviders;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The Identity providers screen and the e-mail-first sign-in through a provider, in every state (issue 15). */
class IdentityProvidersBrowserIT extends BrowserTest {

    @Autowired
    private JdbcClient jdbc;

    private String provider(SignedInTenant clinic, boolean jit) {
        Response created = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Entra",
                "kind", "OIDC", "domains", raw("[\"clinic.example\"]"), "jitProvisioning", jit,
                "mappings", raw("[{\"group\": \"nurses\", \"role\": \"provider\"}]"),
                "config", raw("{\"issuer\": \"https://login.idp.test\"}")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/id");
    }

    /** Through the e-mail-first page and the fake provider, vouching for {@code email}. */
    private ConsoleBrowser viaProvider(SignedInTenant clinic, String email) {
        ConsoleBrowser browser = browser().open("/console/sign-in?tenant=" + clinic.slug());
        assertThat(browser.findAll("#email-first")).hasSize(1);
        assertThat(browser.findAll("#password")).as("no password field first").isEmpty();
        browser.fill("E-mail or username", email).press("Continue");
        assertThat(browser.path()).startsWith(FakeIdentityProvider.PATH + "/" + clinic.slug() + "/");
        return browser.fill("IdP e-mail", email).press("Vouch");
    }

    @Test
    void anAdminConnectsAProviderSeesWhatToPasteIntoItAndRemovesIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(admin.menu()).contains("Identity providers");
        admin.open("/console/identity-providers");
        assertThat(admin.find("#no-providers").getText()).contains("No identity providers connected yet");

        admin.press("Connect OIDC");
        admin.fill("Name", "Entra").fill("E-mail domains", "not a domain").fill("Issuer URL", "http://plain.idp.test")
                .fill("Role mappings", "group nurses -> no_such_role").press("Connect provider");
        assertThat(admin.find("#domains-error").getText()).contains("line 1", "not a domain name");
        assertThat(admin.find("#mappings-error").getText()).contains("line 1", "unknown role");
        // The protocol checks its config once the rest is right.
        admin.fill("E-mail domains", "clinic.example").fill("Role mappings", "group nurses -> provider")
                .press("Connect provider");
        assertThat(admin.find("[id='config.issuer-error']").getText()).contains("https://");
        admin.open("/console/identity-providers");
        assertThat(admin.findAll("#no-providers")).as("nothing saved").hasSize(1);

        admin.press("Connect OIDC");
        admin.fill("Name", "Entra").fill("E-mail domains", "clinic.example")
                .fill("Issuer URL", "https://login.idp.test").fill("Client id", "gatehouse")
                .fill("Client secret", "a-client-secret-for-the-browser-test").fill("Role mappings",
                        "group nurses -> provider").press("Connect provider");
        assertThat(admin.text()).contains("Identity provider saved.");
        assertThat(admin.find("#redirect-uri").getText()).contains("/sso/oidc/" + clinic.slug() + "/").endsWith("/callback");
        assertThat(admin.text()).doesNotContain("a-client-secret-for-the-browser-test");
        assertThat(admin.field("Client secret").getDomAttribute("placeholder")).contains("leave blank to keep");
        assertThat(admin.field("Role mappings").getDomProperty("value")).isEqualTo("group nurses -> provider");

        // Saved again without the secret: it is kept.
        admin.fill("Name", "Entra ID").press("Save");
        JsonNode saved = api.get(clinic.path("/identity-providers"), clinic.adminToken()).body().path("items").get(0);
        assertThat(saved.path("name").asString()).isEqualTo("Entra ID");
        assertThat(saved.path("secretsSet").get(0).asString()).isEqualTo("clientSecret");

        admin.open("/console/identity-providers");
        assertThat(admin.find("#providers").getText()).contains("Entra ID", "clinic.example", "enabled");
        admin.press("Entra ID");
        // A script's click: htmx's confirmation dialog would block WebDriver's own click until it is answered.
        admin.driver().executeScript("arguments[0].click()", admin.find("#remove"));
        admin.confirm();
        assertThat(admin.path()).isEqualTo("/console/identity-providers");
        assertThat(admin.text()).contains("Identity provider Entra ID removed.");
        assertThat(admin.findAll("#no-providers")).hasSize(1);
    }

    @Test
    void staffSignInEmailFirstThroughTheProviderAsNewJitUsersOrLinkTheirAccountWithConsent() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        provider(clinic, true);
        TestMembers.Member bob = TestMembers.member("bob").withEmail("bob@clinic.example").holding("front_desk")
                .create(api, clinic);

        ConsoleBrowser nurse = viaProvider(clinic, "nina@clinic.example");
        assertThat(nurse.path()).startsWith("/console").doesNotStartWith("/console/sign-in");
        JsonNode users = api.get(clinic.path("/users?q=nina"), clinic.adminToken()).body().path("items");
        assertThat(users).hasSize(1);
        String nina = users.get(0).path("id").asString();
        assertThat(api.get(clinic.path("/users/" + nina + "/roles"), clinic.adminToken()).body().path("items").get(0)
                .path("source").asString()).isEqualTo("SSO");

        ConsoleBrowser linking = viaProvider(clinic, "bob@clinic.example");
        assertThat(linking.text()).contains("Link your account", "bob");
        linking.fill("Password of bob", "not bob's password").press("Link and sign in");
        assertThat(linking.find("#password-error").getText()).contains("not right");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "SSO_ACCOUNT_LINKED")).as("nina's only").hasSize(1);
        linking.fill("Password of bob", bob.password()).press("Link and sign in");
        assertThat(linking.path()).startsWith("/console").doesNotStartWith("/console/sign-in");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "SSO_ACCOUNT_LINKED")).hasSize(2);

        // Linked now: the provider alone signs bob in.
        ConsoleBrowser again = viaProvider(clinic, "bob@clinic.example");
        assertThat(again.path()).startsWith("/console").doesNotStartWith("/console/sign-in");
    }

    @Test
    void aUsernameGoesOnToThePasswordAndAnUnknownPersonWithoutJitIsToldToAskTheirAdministrator() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        provider(clinic, false);
        TestMembers.Member ann = TestMembers.member("ann").holding("front_desk").create(api, clinic);

        ConsoleBrowser browser = browser().open("/console/sign-in?tenant=" + clinic.slug());
        browser.press("Continue");
        assertThat(browser.find("#username-error").getText()).isEqualTo("is required");
        browser.fill("E-mail or username", "ann").press("Continue");
        assertThat(browser.text()).contains("Enter your password to sign in.");
        browser.fill("Password", ann.password()).press("Sign in");
        assertThat(browser.path()).startsWith("/console").doesNotStartWith("/console/sign-in");

        ConsoleBrowser stranger = viaProvider(clinic, "stranger@clinic.example");
        assertThat(stranger.path()).doesNotStartWith("/console/sign-in/sso");
        assertThat(stranger.text()).contains("your organisation has no account for you here");
        assertThat(api.get(clinic.path("/users?q=stranger"), clinic.adminToken()).body().path("items")).isEmpty();

        // A tenant without providers keeps the one-step form.
        SignedInTenant plain = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser onePage = browser().open("/console/sign-in?tenant=" + plain.slug());
        assertThat(onePage.findAll("#email-first")).isEmpty();
        assertThat(onePage.findAll("#password")).hasSize(1);
    }

    @Test
    void aSignUpByDomainMappingWaitingForApprovalIsToldSoAndASuspendedOrganisationSaysItIsSuspended() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String domain = clinic.slug() + ".example";
        Response created = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Entra",
                "kind", "OIDC", "domains", raw("[\"" + domain + "\"]"), "jitProvisioning", true,
                "config", raw("{\"issuer\": \"https://login.idp.test\"}")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(api.post(clinic.path("/domain-mappings"), clinic.adminToken(), json("pattern", domain, "mode",
                "APPROVAL", "defaultRole", "front_desk")).status()).isEqualTo(201);

        ConsoleBrowser waiting = viaProvider(clinic, "wanda@" + domain);
        assertThat(waiting.text()).contains("Your account waits for an administrator of your organisation to approve it");
        assertThat(api.get(clinic.path("/registrations?status=PENDING"), clinic.adminToken()).text("/items/0/email"))
                .isEqualTo("wanda@" + domain);

        assertThat(api.patch("/api/v1/tenants/" + clinic.slug(), operatorToken(),
                json("status", "SUSPENDED", "reason", "unpaid invoice")).status()).isEqualTo(200);
        ConsoleBrowser suspended = browser().open("/sso/oidc/" + clinic.slug() + "/" + created.text("/id"));
        assertThat(suspended.text()).contains("This organisation is suspended; contact your platform operator");
        ConsoleBrowser saml = browser().open("/sso/saml/" + clinic.slug() + "/" + created.text("/id"));
        assertThat(saml.text()).contains("This organisation is suspended");
    }
}
