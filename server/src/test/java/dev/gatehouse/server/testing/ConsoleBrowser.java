package dev.gatehouse.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A browser as a console test uses it: open a page, fill labelled fields, press buttons and wait for
 * the page or htmx swap to settle. It drives one of the test JVM's chromiums ({@link Chromium}),
 * which {@link BrowserTest} hands to the test blank and takes back when the test ends.
 */
public final class ConsoleBrowser {

    /**
     * How often a wait asks again. Selenium's default is half a second, and nearly every click waits
     * for a page to go and the next to settle: the suite spent minutes asleep between two checks.
     */
    private static final Duration POLL = Duration.ofMillis(50);

    private final int port;
    private final ChromeDriver driver;

    ConsoleBrowser(int port, ChromeDriver driver) {
        this.port = port;
        this.driver = driver;
    }

    /** Opens a console path ({@code /console/...}, with any query) of the app under test. */
    public ConsoleBrowser open(String path) {
        driver.get("http://localhost:" + port + path);
        settle();
        return this;
    }

    /** Opens the path and query of a link made for another host (the invitation and reset mails). */
    public ConsoleBrowser openLink(String url) {
        URI uri = URI.create(url);
        return open(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /** Signs in through the sign-in form; lands wherever the console sends the user next. */
    public ConsoleBrowser signIn(String tenant, String username, String password) {
        open("/console/sign-in");
        fill("Organisation", tenant).fill("Username", username).fill("Password", password);
        return press("Sign in");
    }

    /**
     * The form control whose {@code <label>} reads {@code label}: every field must be labelled. The first such
     * label's {@code for}, then the control of that id, in one question to chromium instead of three (the
     * suite fills hundreds of fields, and each question costs a round trip to chromedriver).
     */
    public WebElement field(String label) {
        return driver.findElement(By.xpath("//*[@id=string((//label[normalize-space()=" + literal(label) + "])[1]/@for)]"));
    }

    /**
     * Types into the labelled field. Chromium may still be replacing the document when the field
     * is found (a redirect after a form post landing late): the node then "does not belong to the
     * document" and the field is found again once the page has settled, at most twice more.
     */
    public ConsoleBrowser fill(String label, String value) {
        for (int attempt = 1; ; attempt++) {
            try {
                WebElement field = field(label);
                field.clear();
                field.sendKeys(value);
                return this;
            } catch (WebDriverException replaced) {
                boolean documentReplaced = replaced instanceof StaleElementReferenceException
                        || String.valueOf(replaced.getMessage()).contains("does not belong to the document");
                if (!documentReplaced || attempt == 3) {
                    throw replaced;
                }
                settle();
            }
        }
    }

    /** Clicks the button or link with this text and waits for the next page (or htmx swap) to settle. */
    public ConsoleBrowser press(String text) {
        return click(driver.findElement(By.xpath("//button[normalize-space()=" + literal(text) + "]"
                + " | //a[normalize-space()=" + literal(text) + "]")));
    }

    /**
     * Clicks a button or link found otherwise (by its label for screen readers, in a table of many) and
     * waits as {@link #press} does: a test that moves on at once may leave before the form is sent.
     */
    public ConsoleBrowser click(WebElement target) {
        // Bootstrap asks for smooth scrolling: WebDriver's own scroll would still be moving when it clicks.
        driver.executeScript("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", target);
        boolean navigates = Boolean.TRUE.equals(driver.executeScript(NAVIGATES, target));
        WebElement page = driver.findElement(By.tagName("html"));
        target.click();
        if (navigates) {
            // The old page stays "complete" until the answer replaces it: wait for it to go first.
            waitUntil(Duration.ofSeconds(15), d -> gone(page));
        }
        settle();
        return this;
    }

    /**
     * Presses Enter in the labelled field, as a user submits a one-field form without a button of
     * its own text (a row's form in a table of many), and waits for the next page to settle.
     */
    public ConsoleBrowser submit(String label) {
        WebElement field = field(label);
        WebElement page = driver.findElement(By.tagName("html"));
        field.sendKeys(Keys.ENTER);
        waitUntil(Duration.ofSeconds(15), d -> gone(page));
        settle();
        return this;
    }

    /**
     * Whether the old page's root is gone. Chromium says so in two ways: a stale reference, or —
     * while it is still swapping documents — "Node with given id does not belong to the document"
     * (which Selenium's stalenessOf does not take as stale: the CI failure of this session).
     */
    private static boolean gone(WebElement page) {
        try {
            page.isEnabled();
            return false;
        } catch (StaleElementReferenceException stale) {
            return true;
        } catch (WebDriverException replaced) {
            if (String.valueOf(replaced.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw replaced;
        }
    }

    /** Accepts the confirmation dialog of a destructive action (htmx's hx-confirm). */
    public ConsoleBrowser confirm() {
        waitUntil(Duration.ofSeconds(10), d -> {
            try {
                d.switchTo().alert().accept();
                return true;
            } catch (org.openqa.selenium.NoAlertPresentException e) {
                return false;
            }
        });
        settle();
        return this;
    }

    public String path() {
        return URI.create(driver.getCurrentUrl()).getPath();
    }

    public String title() {
        return driver.getTitle();
    }

    /** The visible text of the page. */
    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** The texts of the main menu's entries. */
    public List<String> menu() {
        return driver.findElements(By.cssSelector("header nav a.nav-link, header nav button.nav-link")).stream()
                .map(WebElement::getText).toList();
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Saves a PNG of the window to {@code docs/screenshots/<name>.png} of the repository. */
    public Path screenshot(String name) {
        Path target = screenshots().resolve(name + ".png");
        try {
            Files.createDirectories(target.getParent());
            Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), target,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * Waits until {@code condition} gives something other than null or false, asking every 50 ms, and
     * fails after {@code timeout} — for a test's own waits too, so none sleeps longer than it must.
     */
    public <T> T waitUntil(Duration timeout, Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, POLL).until(condition);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Set by failsafe to the repository's docs/screenshots; from the server module otherwise. */
    static Path screenshots() {
        String configured = System.getProperty("gatehouse.screenshots");
        return configured != null ? Path.of(configured) : Path.of("..", "docs", "screenshots");
    }

    /** Whether pressing the element loads another page: a link, or a plain form's submit button (not htmx). */
    private static final String NAVIGATES = """
            var e = arguments[0];
            if (e.closest('[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete],[hx-boost]')) { return false; }
            if (e.tagName === 'A') { var href = e.getAttribute('href'); return !!href && href.charAt(0) !== '#'; }
            return e.type === 'submit' && !!e.form;
            """;

    private void settle() {
        waitUntil(Duration.ofSeconds(15), d -> "complete".equals(
                driver.executeScript("return document.readyState"))
                && d.findElements(By.cssSelector(".htmx-request")).isEmpty());
    }

    private static String literal(String text) {
        if (!text.contains("'")) {
            return "'" + text + "'";
        }
        return "concat('" + text.replace("'", "', \"'\", '") + "')";
    }
}
