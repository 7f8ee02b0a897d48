package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;

/** Settings › Users › Export CSV in a browser: the link the list offers answers the roster as a CSV file. */
class UserExportBrowserIT extends BrowserTest {

    @Test
    void theUsersListsExportLinkAnswersTheFilteredRosterAsACsvDownload() throws IOException, InterruptedException {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/users?q=" + SignedInTenant.ADMIN);
        String href = admin.find("a[href*='/console/users/export']").getDomProperty("href");
        admin.screenshot("users-export");

        assertThat(href).contains("q=" + SignedInTenant.ADMIN);
        // Chromium saves a download instead of showing it: fetch the link with the browser's session.
        Cookie session = admin.driver().manage().getCookieNamed("gatehouse_session");
        HttpResponse<String> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(href))
                .header("Cookie", session.getName() + "=" + session.getValue()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(download.headers().firstValue("Content-Disposition").orElse(""))
                .isEqualTo("attachment; filename=\"users-" + clinic.slug() + ".csv\"");
        assertThat(download.body().lines().toList()).hasSize(2);
        assertThat(download.body()).startsWith("id,username,").contains("," + SignedInTenant.ADMIN + ",");
        assertThat(api.get(clinic.path("/audit?action=USERS_EXPORTED"), clinic.adminToken()).body()
                .at("/items/0/details/filters/q").asString()).isEqualTo(SignedInTenant.ADMIN);
    }
}
