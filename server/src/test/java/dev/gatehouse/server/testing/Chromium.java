package dev.gatehouse.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless chromium (Debian's {@code /usr/bin/chromium} through its own {@code /usr/bin/chromedriver},
 * never a downloaded driver) with a profile directory of its own. Starting one costs 1–3.6 s on the CI
 * machine, so {@link Chromiums} keeps it for the test JVM and {@link #reset} wipes what a test left in it
 * instead: every cookie of every host, the local storage and caches of every origin its tabs visited, every
 * tab (a new one replaces them, so no session storage, history or virtual authenticator survives), the window
 * size and the timeouts. A chromium whose reset fails or leaves anything behind is quit, never reused.
 */
final class Chromium {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The window of every test (and so the size of every screenshot in docs/screenshots). */
    static final Dimension WINDOW = new Dimension(1280, 900);
    private static final Duration PAGE_LOAD = Duration.ofSeconds(30);
    private static final Duration SCRIPT = Duration.ofSeconds(30);
    private static final Duration BLANKED = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(50);

    private static final Pattern ORIGIN = Pattern.compile("https?://[^/?#]+");

    private final Path profile;
    private final ChromeDriver driver;
    /** Chromium's own process, as chromedriver reports it ({@code goog:processID}), if it does. */
    private final Optional<ProcessHandle> process;

    private Chromium(Path profile, ChromeDriver driver) {
        this.profile = profile;
        this.driver = driver;
        this.process = driver.getCapabilities().getCapability("goog:processID") instanceof Number pid
                ? ProcessHandle.of(pid.longValue()) : Optional.empty();
    }

    /** Starts chromium and its driver; missing chromium fails the test, never skips it. */
    static Chromium start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("the browser tests need Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install -y chromium chromium-driver");
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("gatehouse-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=" + WINDOW.getWidth() + "," + WINDOW.getHeight(),
                "--user-data-dir=" + profile,
                // The test servers on 127.0.0.1 that Gatehouse reaches by this name (an upstream IdP) send
                // the browser there too; every other name resolves as before.
                "--host-resolver-rules=MAP " + TestDns.RECEIVER + " 127.0.0.1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        Chromium chromium = new Chromium(profile, new ChromeDriver(service, options));
        chromium.defaultTimeouts();
        return chromium;
    }

    ChromeDriver driver() {
        return driver;
    }

    /**
     * Makes this chromium what {@link #start} gave: one blank tab of the usual size, no cookie, nothing
     * stored by any origin a tab of the test saw. False when that could not be done or checked: the
     * caller quits it then.
     */
    boolean reset() {
        try {
            Set<String> origins = visitedOrigins();
            String url = driver.getCurrentUrl();
            boolean inPlace = driver.getWindowHandles().size() == 1 && (origins.isEmpty() ? "about:blank".equals(url)
                    : origins.equals(origin(url).map(Set::of).orElse(Set.of())));
            if (inPlace) {
                blankInPlace(!origins.isEmpty());
            } else {
                String blank = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
                closeAllBut(blank);
            }
            driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
            driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
            for (String origin : origins) {
                driver.executeCdpCommand("Storage.clearDataForOrigin", Map.of("origin", origin, "storageTypes", "all"));
            }
            driver.manage().window().setSize(WINDOW);
            defaultTimeouts();
            if (!inPlace) {
                driver.get("about:blank");
            }
            String left = whatIsLeft(inPlace && !origins.isEmpty());
            if (!left.isEmpty()) {
                System.err.println("The chromium a test used kept " + left + " after its reset: quitting it");
            }
            return left.isEmpty();
        } catch (WebDriverException broken) {
            System.err.println("The chromium a test used could not be reset, quitting it: " + broken.getMessage());
            return false;
        }
    }

    /**
     * The usual case, one tab that saw one origin, blanked without a new tab: a new tab and the close of the
     * old one cost 1.5–3 s on the loaded CI machine (a renderer process started and chromedriver attached to
     * it), and so does chromedriver's own {@code get("about:blank")}, which leaves the origin's process. The
     * page clears its origin's session storage (per tab, so a new tab used to drop it) and replaces itself
     * with about:blank, which stays in the origin's process; then the tab's history and virtual
     * authenticators go. Cookies, local storage and caches are cleared as for a new tab.
     */
    private void blankInPlace(boolean onAnOrigin) {
        if (onAnOrigin) {
            driver.executeScript("sessionStorage.clear(); location.replace('about:blank')");
            new WebDriverWait(driver, BLANKED, POLL).until(blanked -> "about:blank".equals(blanked.getCurrentUrl())
                    && "complete".equals(driver.executeScript("return document.readyState")));
        }
        driver.executeCdpCommand("Page.resetNavigationHistory", Map.of());
        driver.executeCdpCommand("WebAuthn.disable", Map.of());
    }

    /**
     * Quits chromium and its driver and removes its profile; quietly, as it runs after a failure or at
     * exit. A chromium that a hung driver could not quit is killed with its child processes, or it
     * would outlive the test JVM (as one did while this class was written).
     */
    void quit() {
        try {
            driver.quit();
        } catch (WebDriverException alreadyGone) {
            // The driver died with the failure that brought us here: chromium is stopped below.
        }
        process.filter(ProcessHandle::isAlive).ifPresent(chromium -> {
            chromium.descendants().forEach(ProcessHandle::destroyForcibly);
            chromium.destroyForcibly();
        });
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A temporary folder left behind is no reason to fail a test.
        }
    }

    /**
     * Every web origin in the history of every tab: where a page of the test may have stored something.
     * An open dialog (a confirmation left unanswered) is dismissed first: with one open, chromedriver
     * answers no other command for its tab, not even the list of tabs, until its own timeout.
     */
    private Set<String> visitedOrigins() {
        dismissAnyDialog();
        String current = driver.getWindowHandle();
        Set<String> origins = new LinkedHashSet<>(historyOrigins());
        for (String handle : driver.getWindowHandles()) {
            if (!handle.equals(current)) {
                driver.switchTo().window(handle);
                dismissAnyDialog();
                origins.addAll(historyOrigins());
            }
        }
        return origins;
    }

    /** The origins of the current tab's history, its current page included. */
    private Set<String> historyOrigins() {
        Set<String> origins = new LinkedHashSet<>();
        Object entries = driver.executeCdpCommand("Page.getNavigationHistory", Map.of()).get("entries");
        if (entries instanceof List<?> list) {
            for (Object entry : list) {
                if (entry instanceof Map<?, ?> map && map.get("url") instanceof String url) {
                    origin(url).ifPresent(origins::add);
                }
            }
        }
        return origins;
    }

    /** The origin of an http(s) URL as chromium writes it (scheme and host lower case, a port only if not the default). */
    private static Optional<String> origin(String url) {
        Matcher origin = ORIGIN.matcher(url);
        return origin.lookingAt() ? Optional.of(origin.group()) : Optional.empty();
    }

    private void dismissAnyDialog() {
        try {
            driver.switchTo().alert().dismiss();
        } catch (NoAlertPresentException none) {
            // The usual case.
        }
    }

    private void closeAllBut(String kept) {
        for (String handle : driver.getWindowHandles()) {
            if (!handle.equals(kept)) {
                driver.switchTo().window(handle);
                driver.close();
            }
        }
        driver.switchTo().window(kept);
    }

    private void defaultTimeouts() {
        driver.manage().timeouts().pageLoadTimeout(PAGE_LOAD).scriptTimeout(SCRIPT).implicitlyWait(Duration.ZERO);
    }

    /**
     * What is not as {@link #start} left it: nothing when one tab shows about:blank, no host has a cookie and,
     * for a tab blanked in place (its about:blank keeps the origin it came from), that origin stores nothing.
     */
    private String whatIsLeft(boolean blankedOnItsOrigin) {
        int tabs = driver.getWindowHandles().size();
        String url = driver.getCurrentUrl();
        Object cookies = driver.executeCdpCommand("Storage.getCookies", Map.of()).get("cookies");
        List<String> left = new ArrayList<>();
        if (tabs != 1) {
            left.add(tabs + " tabs");
        }
        if (!"about:blank".equals(url)) {
            left.add("the page " + url);
        }
        if (!(cookies instanceof List<?> list) || !list.isEmpty()) {
            left.add("cookies " + cookies);
        }
        if (blankedOnItsOrigin) {
            Object stored = driver.executeScript("return localStorage.length + sessionStorage.length + history.length - 1");
            if (!(stored instanceof Number number) || number.longValue() != 0) {
                left.add(stored + " stored items or history entries");
            }
        }
        return String.join(", ", left);
    }
}
