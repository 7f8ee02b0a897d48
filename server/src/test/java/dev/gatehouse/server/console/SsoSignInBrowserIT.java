package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.UpstreamOidcProvider;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15's "done when", in real browsers: a tenant admin connects an Entra-style OpenID Connect provider
 * on the console's Identity providers screen (empty list, a refused issuer, the saved provider listed), and
 * staff sign in through it — NAV's mock-oauth2-server on 127.0.0.1 with its interactive login page, reached by
 * Gatehouse and by chromium under the name the tests' operator allows — and are provisioned just in time
 * with the role their group maps to, source SSO; the next sign-in lands on the same account.
 */
class SsoSignInBrowserIT extends BrowserTest {

    private static final String DOMAIN = "clinic.test";
    private static final String CLIENT_SECRET = "entra-style-client-secret-for-the-browser-test";
    /** Interactive: the provider's own page asks who signs in and which claims the ID token carries. */
    @RegisterExtension
    static final UpstreamOidcProvider idp = UpstreamOidcProvider.interactive();

    @Test
    void anAdminConnectsAnOidcProviderAndStaffSignInThroughItProvisionedWithTheMappedRole() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String issuer = idp.issuer("entra-" + clinic.slug());

        // (1) The admin connects the provider on the console screen.
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.open("/console/identity-providers");
        assertThat(admin.find("#no-providers").getText()).contains("No identity providers connected yet");
        admin.press("Connect OIDC");
        assertThat(admin.find("#preset").getDomProperty("value")).as("generic OpenID Connect").isEmpty();
        admin.fill("Name", "Clinic Entra").fill("E-mail domains", DOMAIN)
                .fill("Issuer URL", "http://169.254.169.254/" + clinic.slug())
                .fill("Client id", "gatehouse-clinic").fill("Client secret", CLIENT_SECRET)
                .fill("Role mappings", "group Nurses -> provider");
        check(admin, "jitProvisioning");
        admin.press("Connect provider");
        assertThat(admin.find("[id='config.issuer-error']").getText()).as("the outbound guard refuses the address")
                .contains("169.254.169.254");
        assertThat(api.get(clinic.path("/identity-providers"), clinic.adminToken()).body().path("items")).isEmpty();

        admin.fill("Issuer URL", issuer).fill("Client secret", CLIENT_SECRET);
        assertThat(admin.field("Create accounts on first sign-in (JIT)").isSelected()).as("kept by the form").isTrue();
        admin.press("Connect provider");
        assertThat(admin.text()).contains("Identity provider saved.").doesNotContain(CLIENT_SECRET);
        String redirectUri = admin.find("#redirect-uri").getText();
        assertThat(redirectUri).contains("/sso/oidc/" + clinic.slug() + "/").endsWith("/callback");
        admin.open("/console/identity-providers");
        assertThat(admin.findAll("#no-providers")).isEmpty();
        assertThat(admin.find("#providers").getText()).contains("Clinic Entra", DOMAIN, "enabled", "JIT");

        // (2) A nurse signs in: tenant and e-mail, on to the provider's page, back signed in, provisioned.
        ConsoleBrowser nurse = browser().open(ConsoleSecurity.SIGN_IN);
        nurse.fill("Organisation", clinic.slug()).fill("Username", "nina@" + DOMAIN).press("Use single sign-on");
        atProvider(nurse, issuer, "nina-subject");
        assertThat(nurse.path()).startsWith("/console").doesNotStartWith(ConsoleSecurity.SIGN_IN);
        assertThat(nurse.text()).contains("Sign out");

        JsonNode users = api.get(clinic.path("/users?q=nina"), clinic.adminToken()).body().path("items");
        assertThat(users).hasSize(1);
        JsonNode nina = users.get(0);
        assertThat(nina.path("email").asString()).isEqualTo("nina@" + DOMAIN);
        assertThat(nina.path("firstName").asString()).isEqualTo("Nina");
        assertThat(nina.path("lastName").asString()).isEqualTo("Nurse");
        String ninaId = nina.path("id").asString();
        JsonNode roles = api.get(clinic.path("/users/" + ninaId + "/roles"), clinic.adminToken()).body().path("items");
        assertThat(roles).hasSize(1);
        assertThat(roles.get(0).toString()).contains("provider");
        assertThat(roles.get(0).path("source").asString()).isEqualTo("SSO");

        // (3) The next sign-in, through the e-mail-first page, lands on the same account.
        ConsoleBrowser again = browser().open(ConsoleSecurity.SIGN_IN + "?tenant=" + clinic.slug());
        assertThat(again.findAll("#email-first")).hasSize(1);
        again.fill("E-mail or username", "nina@" + DOMAIN).press("Continue");
        atProvider(again, issuer, "nina-subject");
        assertThat(again.path()).startsWith("/console").doesNotStartWith(ConsoleSecurity.SIGN_IN);
        JsonNode after = api.get(clinic.path("/users?q=nina"), clinic.adminToken()).body().path("items");
        assertThat(after).hasSize(1);
        assertThat(after.get(0).path("id").asString()).isEqualTo(ninaId);
    }

    private static void check(ConsoleBrowser browser, String id) {
        WebElement box = browser.find("#" + id);
        if (!box.isSelected()) {
            browser.driver().executeScript("arguments[0].click()", box);
        }
    }

    /** On the provider's login page (the browser was sent there): signs the person in with their claims. */
    private static void atProvider(ConsoleBrowser browser, String issuer, String subject) {
        browser.waitUntil(Duration.ofSeconds(15), d -> String.valueOf(d.getCurrentUrl()).startsWith(issuer + "/authorize?"));
        URI authorize = URI.create(browser.driver().getCurrentUrl());
        assertThat(authorize.getRawQuery()).contains("client_id=gatehouse-clinic", "code_challenge=", "nonce=");
        assertThat(browser.text()).contains("Mock OAuth2 Server Sign-in");
        browser.find("input[name='username']").sendKeys(subject);
        browser.find("textarea[name='claims']").sendKeys("""
                {"email": "nina@%s", "email_verified": true, "name": "Nina Nurse", "given_name": "Nina",
                 "family_name": "Nurse", "groups": ["Nurses", "Everyone"]}""".formatted(DOMAIN));
        browser.click(browser.find("input[type='submit']"));
        browser.waitUntil(Duration.ofSeconds(15), d -> URI.create(d.getCurrentUrl()).getHost().equals("localhost"));
    }
}
