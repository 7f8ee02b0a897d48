package dev.gatehouse.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the console's browser tests ({@code *BrowserIT}, run only by {@code -Pbrowser}): the
 * whole app on a random port over the suite's database, and fresh chromium sessions that are all
 * closed after each test.
 */
public abstract class BrowserTest extends IntegrationTest {

    private static final Pattern LINK = Pattern.compile("https?://\\S+/console/(?:invitation|reset-password)\\?token=\\S+");

    private final List<ConsoleBrowser> browsers = new ArrayList<>();

    /** A new browser with an empty profile: nobody signed in, no cookie of another session. */
    protected ConsoleBrowser browser() {
        ConsoleBrowser browser = new ConsoleBrowser(port());
        browsers.add(browser);
        return browser;
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(ConsoleBrowser::close);
        browsers.clear();
    }

    /**
     * The newest invitation or reset link mailed to {@code recipient} in {@code tenantSlug}, read from
     * the outbox through the operator's API (no SMTP server is configured in the tests).
     */
    protected String mailedLink(String tenantSlug, String recipient) {
        String operator = operatorToken();
        ApiClient.Response list = api.get("/api/v1/platform/outbox?tenant=" + tenantSlug + "&size=200", operator);
        for (var entry : list.body().get("items")) {
            if (entry.get("recipient").asString().equals(recipient)) {
                String body = api.get("/api/v1/platform/outbox/" + entry.get("id").asString(), operator).raw();
                Matcher link = LINK.matcher(body.replace("\\n", " ").replace("\\/", "/"));
                if (link.find()) {
                    return link.group().replaceAll("[\"\\\\].*$", "");
                }
            }
        }
        throw new AssertionError("no link mailed to " + recipient + " in " + tenantSlug + ": " + list.raw());
    }
}
