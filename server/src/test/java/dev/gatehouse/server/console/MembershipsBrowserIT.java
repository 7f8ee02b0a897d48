package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 16, one person in several organisations, in a browser: the invitation page offers joining
 * with the account one is signed in with (signed out, it says how), refuses another person's account,
 * and once joined the header's switcher moves to the organisation, where the person acts as its
 * user (marked "signs in elsewhere" in its users list), and back home; the profile lists the
 * organisation, and leaving it from inside returns to the home session.
 */
class MembershipsBrowserIT extends BrowserTest {

    @Test
    void aPersonJoinsWithTheirAccountSwitchesActsThereAndSwitchesBack() {
        String operator = operatorToken();
        SignedInTenant home = SignedInTenant.create(api, operator, "clinic");
        SignedInTenant booking = SignedInTenant.create(api, operator, "booking");
        String address = "maria-" + UUID.randomUUID().toString().substring(0, 8) + "@people.example";
        TestMembers.member("maria").holding("front_desk").withEmail(address).create(api, home);
        TestMembers.member("eve").holding("front_desk").withEmail("eve@people.example").create(api, home);
        Response invited = api.post(booking.path("/users"), booking.adminToken(), json("username", "maria.l",
                "firstName", "Maria", "lastName", "Lopez", "email", address, "invite", true,
                "roles", raw("[" + json("role", "OWNER") + "]")));
        assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
        String link = mailedLink(booking.slug(), address);

        ConsoleBrowser visitor = browser().openLink(link);
        assertThat(visitor.find("#join-with-account").getText())
                .contains("Sign in at your organisation in this browser first");
        visitor.screenshot("membership-invitation-signed-out");

        ConsoleBrowser eve = browser().signIn(home.slug(), "eve", TestMembers.PASSWORD);
        eve.openLink(link).press("Join with my account");
        assertThat(eve.find("#link-refused").getText()).contains("another e-mail address");
        assertThat(eve.findAll("#tenant-switcher")).isEmpty();
        eve.screenshot("membership-join-refused");

        ConsoleBrowser maria = browser().signIn(home.slug(), "maria", TestMembers.PASSWORD);
        maria.openLink(link);
        assertThat(maria.find("#join-with-account").getText()).contains("You are signed in as maria of " + home.slug());
        maria.screenshot("membership-invitation-signed-in");
        maria.press("Join with my account");
        assertThat(maria.path()).isEqualTo("/console");
        assertThat(maria.find("#tenant-switcher").getText()).contains("Switch to Tenant " + booking.slug());
        maria.screenshot("membership-switcher");

        maria.press("Switch to Tenant " + booking.slug());
        assertThat(maria.find("header").getText()).contains("maria.l · " + booking.slug());
        maria.press("Users");
        assertThat(maria.path()).startsWith("/console/users");
        assertThat(maria.text()).contains("maria.l");
        assertThat(maria.find(".signs-in-elsewhere").getText()).isEqualTo("signs in elsewhere");
        maria.screenshot("membership-acting-in-organisation");

        maria.press("Back to Tenant " + home.slug());
        assertThat(maria.find("header").getText()).contains("maria · " + home.slug());
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        assertThat(jdbc.sql("select count(*) from sessions where tenant_id = cast(:t as uuid) and ended_at is null"
                        + " and home_session_id is not null").param("t", booking.id()).query(Long.class).single())
                .as("the organisation's session ended on the way back").isZero();

        maria.press("Switch to Tenant " + booking.slug()).press("Profile");
        assertThat(maria.find("#organisations").getText()).contains("Tenant " + booking.slug()).contains("active");
        assertThat(maria.find("#credentials-elsewhere").getText()).contains("change them there");
        assertThat(maria.findAll("a[href='/console/password']")).as("no password of its own to change here").isEmpty();
        maria.screenshot("membership-profile-organisations");
        // A script's click: htmx's confirmation dialog would block WebDriver's own click until it is answered.
        maria.driver().executeScript("arguments[0].click()", maria.find("#organisations button"));
        maria.confirm();
        assertThat(maria.find("header").getText()).as("leaving from inside returns home")
                .contains("maria · " + home.slug());
        assertThat(maria.find(".alert[role=status]").getText()).contains("You have left Tenant " + booking.slug());
        assertThat(maria.findAll("#tenant-switcher")).isEmpty();
        assertThat(maria.findAll("#organisations")).isEmpty();
        assertThat(jdbc.sql("select status from users where tenant_id = cast(:t as uuid) and username = 'maria.l'")
                .param("t", booking.id()).query(String.class).single()).isEqualTo("DISABLED");
    }
}
