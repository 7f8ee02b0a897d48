package dev.gatehouse.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * The suite's chromiums are reused from test to test ({@link Chromiums}): what one test leaves in a
 * browser — a session, stored items, windows, a dialog, another size — is gone for the next, a failed
 * test's chromium is never handed out again, and two browsers of one test do not share a session.
 */
class ChromiumsBrowserIT extends BrowserTest {

    private static final String CONSOLE = "/console";

    @Test
    void aChromiumComesBackBlankWhateverTheTestLeftInIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(admin.path()).isEqualTo(CONSOLE);
        ChromeDriver driver = admin.driver();
        // The same app on its other name: its cookies and storage are another host's.
        driver.get("http://127.0.0.1:" + port() + CONSOLE);
        driver.executeScript("localStorage.setItem('left', 'behind'); sessionStorage.setItem('left', 'behind')");
        admin.open(CONSOLE);
        driver.executeScript("localStorage.setItem('left', 'behind'); sessionStorage.setItem('left', 'behind');"
                + " window.open('/console', 'another');");
        driver.manage().window().setSize(new Dimension(700, 500));
        driver.executeScript("setTimeout(() => confirm('left unanswered'), 0)");
        admin.waitUntil(Duration.ofSeconds(10), ExpectedConditions.alertIsPresent());

        assertThat(Chromiums.take(0).reset()).as("reset and found blank").isTrue();

        assertThat(driver.getWindowHandles()).hasSize(1);
        assertThat(driver.getCurrentUrl()).isEqualTo("about:blank");
        assertThat(driver.manage().window().getSize()).isEqualTo(Chromium.WINDOW);
        for (String app : new String[] {"http://localhost:" + port(), "http://127.0.0.1:" + port()}) {
            driver.get(app + CONSOLE);
            assertThat(admin.path()).as("signed out at %s", app).isEqualTo("/console/sign-in");
            assertThat(driver.executeScript("return [localStorage.getItem('left'), sessionStorage.getItem('left')]"))
                    .as("storage at %s", app).asList().containsOnlyNulls();
        }
    }

    /**
     * The usual test, one tab on one origin, is blanked in that tab (no new one): its session, stored items,
     * history and virtual authenticator are gone all the same.
     */
    @Test
    void aChromiumThatSawOneOriginInOneTabComesBackBlankInThatTab() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser();
        ChromeDriver driver = admin.driver();
        VirtualAuthenticator authenticator = driver.addVirtualAuthenticator(new VirtualAuthenticatorOptions());
        admin.signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(admin.path()).isEqualTo(CONSOLE);
        admin.open(CONSOLE + "/profile");
        driver.executeScript("localStorage.setItem('left', 'behind'); sessionStorage.setItem('left', 'behind')");
        String tab = driver.getWindowHandle();

        assertThat(Chromiums.take(0).reset()).as("reset and found blank").isTrue();

        assertThat(driver.getWindowHandle()).as("the same tab").isEqualTo(tab);
        assertThat(driver.getCurrentUrl()).isEqualTo("about:blank");
        assertThat(driver.executeScript("return history.length")).as("no history").isEqualTo(1L);
        assertThatThrownBy(() -> driver.removeVirtualAuthenticator(authenticator)).as("the authenticator is gone")
                .isInstanceOf(WebDriverException.class);
        admin.open(CONSOLE);
        assertThat(admin.path()).as("signed out").isEqualTo("/console/sign-in");
        assertThat(driver.executeScript("return [localStorage.getItem('left'), sessionStorage.getItem('left')]"))
                .asList().containsOnlyNulls();
    }

    @Test
    void aFailedTestsChromiumIsQuitAndItsSlotGetsANewOne() {
        Chromium used = Chromiums.take(0);
        ConsoleBrowser browser = browser().open(CONSOLE + "/sign-in");

        Chromiums.giveBack(used, true);

        assertThatThrownBy(() -> browser.driver().getWindowHandles()).as("its session ended")
                .isInstanceOf(WebDriverException.class);
        Chromium next = Chromiums.take(0);
        assertThat(next).isNotSameAs(used);
        assertThat(next.driver().getWindowHandles()).hasSize(1);
    }

    @Test
    void twoBrowsersOfOneTestAreTwoChromiumsWithTheirOwnSessions() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        ConsoleBrowser other = browser().open(CONSOLE);

        assertThat(other.driver()).isNotSameAs(admin.driver());
        assertThat(admin.path()).isEqualTo(CONSOLE);
        assertThat(other.path()).as("not signed in by the first browser's session").isEqualTo("/console/sign-in");
    }
}
