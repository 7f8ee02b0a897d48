package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's doors share the API's rate limits (docs/security.md, "Throttling"): over a limit
 * the page comes back with 429, Retry-After and a message saying how long to wait.
 */
class ConsoleThrottlingIT extends IntegrationTest {

    private SignedInTenant tenant;

    @BeforeEach
    void tenant() {
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @Test
    void theSignInPageSaysHowLongToWaitWhenTheAccountsLimitIsSpent() {
        TestMembers.Member member = TestMembers.member("member").holding("front_desk").create(api, tenant);
        limit("signIn", 2);

        assertThat(signIn("member", "not the password at all").statusCode()).isEqualTo(401);
        assertThat(signIn("member", "not the password at all").statusCode()).isEqualTo(401);
        HttpResponse<String> refused = signIn("member", member.password());

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        assertThat(refused.body()).contains("Too many attempts from your network or for this account. Wait");
        assertThat(refused.headers().allValues("Set-Cookie"))
                .noneMatch(cookie -> cookie.startsWith(SessionCookie.PLAIN_NAME + "="));
    }

    @Test
    void theForgotPasswordPageSaysHowLongToWait() {
        limit("forgotPassword", 1);
        ConsoleClient console = new ConsoleClient(port());
        console.get(ForgotPasswordPageController.PAGE);
        Map<String, String> form = Map.of("tenant", tenant.slug(), "username", SignedInTenant.ADMIN);

        assertThat(console.post(ForgotPasswordPageController.PAGE, form).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = console.post(ForgotPasswordPageController.PAGE, form);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("Too many attempts").doesNotContain(ForgotPasswordPageController.SENT);
    }

    private HttpResponse<String> signIn(String username, String password) {
        return new ConsoleClient(port()).signIn(tenant.slug(), username, password);
    }

    private void limit(String door, int requests) {
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(), "{\"throttling\": {\"" + door
                + "\": {\"perAccount\": {\"requests\": " + requests + ", \"perMinutes\": 15}}}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
    }
}
