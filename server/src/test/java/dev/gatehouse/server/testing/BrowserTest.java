package dev.gatehouse.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Base of the console's browser tests ({@code *BrowserIT}, run only by {@code -Pbrowser}): the
 * whole app on a random port over the suite's database, and browsers that start each test blank —
 * the JVM's chromiums ({@link Chromiums}), wiped after a passed test and quit after a failed one.
 */
@ExtendWith(BrowserTest.HandBackBrowsers.class)
public abstract class BrowserTest extends IntegrationTest {

    private static final Pattern LINK = Pattern.compile("https?://\\S+/console/(?:invitation|reset-password)\\?token=\\S+");

    private final List<Chromium> taken = new ArrayList<>();

    /**
     * Another browser for this test, independent of the ones it already has (its own chromium, so its
     * own cookies): nobody signed in, no cookie or storage of another test, one blank tab.
     */
    protected ConsoleBrowser browser() {
        Chromium chromium = Chromiums.take(taken.size());
        taken.add(chromium);
        return new ConsoleBrowser(port(), chromium.driver());
    }

    private void handBackBrowsers(boolean testFailed) {
        taken.forEach(chromium -> Chromiums.giveBack(chromium, testFailed));
        taken.clear();
    }

    /**
     * After the test and its own {@code @AfterEach} methods, when JUnit knows whether it failed: a
     * {@code @AfterEach} method cannot see that, and a failed test's chromiums must not be reused.
     */
    static final class HandBackBrowsers implements AfterEachCallback {

        @Override
        public void afterEach(ExtensionContext context) {
            ((BrowserTest) context.getRequiredTestInstance()).handBackBrowsers(context.getExecutionException().isPresent());
        }
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
