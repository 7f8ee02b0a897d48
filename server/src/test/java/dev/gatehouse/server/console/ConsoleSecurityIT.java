package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's security properties over plain HTTP (docs/security.md, "Console"): the headers of
 * every page, the session cookie's attributes, CSRF on every form, and bouncing a dead session to
 * sign-in.
 */
class ConsoleSecurityIT extends IntegrationTest {

    private SignedInTenant tenant;
    private ConsoleClient console;

    @BeforeEach
    void tenant() {
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        console = new ConsoleClient(port());
    }

    @Test
    void pagesForbidInlineScriptFramingCachingAndReferrers() {
        HttpResponse<String> page = console.get(ConsoleSecurity.SIGN_IN);

        assertThat(page.statusCode()).isEqualTo(200);
        // No form-action on the sign-in pages: signing in to an application ends in a redirect to its origin.
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; script-src 'self'; "
                + "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
        assertThat(console.get("/console/forgot-password").headers().firstValue("Content-Security-Policy")).hasValue(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
        assertThat(page.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=\"")
                .contains("<meta name=\"htmx-config\"").contains("\"includeIndicatorStyles\": false");
    }

    @Test
    void theSessionCookieIsHttpOnlySameSiteAndCarriesNoHttpSession() {
        HttpResponse<String> signedIn = console.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/console"));
        String cookie = signedIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(SessionCookie.PLAIN_NAME + "=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/").doesNotContain("Max-Age");
        assertThat(console.cookies()).doesNotContainKey("JSESSIONID");

        HttpResponse<String> home = console.get("/console");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
        assertThat(home.body()).contains("Welcome, <span>admin</span>").contains(">Users<").contains(">Roles<").contains(">Security<")
                .doesNotContain(">Tenants<");
    }

    @Test
    void aFormPostWithoutTheCsrfTokenIsRefused() {
        console.get(ConsoleSecurity.SIGN_IN);
        HttpResponse<String> noToken = console.postRaw(ConsoleSecurity.SIGN_IN, Map.of("tenant", tenant.slug(),
                "username", SignedInTenant.ADMIN, "password", SignedInTenant.ADMIN_PASSWORD));
        assertThat(noToken.statusCode()).isIn(302, 403);
        assertThat(noToken.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(SessionCookie.PLAIN_NAME + "=x"));

        console.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        console.get("/console");
        HttpResponse<String> signOut = console.postRaw(SignInController.SIGN_OUT, Map.of());
        assertThat(signOut.statusCode()).isEqualTo(403);
        assertThat(signOut.body()).contains("Form expired");
        assertThat(console.get("/console").statusCode()).as("still signed in").isEqualTo(200);
    }

    @Test
    void withoutALiveSessionPagesBounceToSignInAndHtmxGetsHxRedirect() {
        assertThat(console.get("/console").headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).endsWith(ConsoleSecurity.SIGN_IN));

        console.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        console.get("/console");
        assertThat(console.post(SignInController.SIGN_OUT, Map.of()).statusCode()).isEqualTo(302);
        console.cookies().put(SessionCookie.PLAIN_NAME, "a-session-that-ended");

        HttpResponse<String> htmx = console.get("/console", "HX-Request", "true");
        assertThat(htmx.headers().firstValue("HX-Redirect")).hasValue(ConsoleSecurity.SIGN_IN + "?ended");
        HttpResponse<String> page = console.get("/console");
        assertThat(page.statusCode()).isEqualTo(302);
    }
}
