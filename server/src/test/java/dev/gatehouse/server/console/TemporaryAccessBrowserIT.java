package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The "Temporary access" screen in every state (issue 13): empty; a manager lends her role and ends
 * it; a provider asks for a role and is not offered to approve it herself; the owner approves one
 * and denies another.
 */
class TemporaryAccessBrowserIT extends BrowserTest {

    @Test
    void aManagerLendsHerRoleAndEndsIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String downtown = TestTenants.location(api, clinic, "Downtown", null);
        TestMembers.member("maria").holding("manager").at(downtown).create(api, clinic);
        TestMembers.Member dave = TestMembers.member("dave").holding("front_desk").at(downtown).create(api, clinic);

        ConsoleBrowser maria = browser().signIn(clinic.slug(), "maria", TestMembers.PASSWORD);
        assertThat(maria.menu()).contains("Temporary access");
        maria.open("/console/temporary-access");
        assertThat(maria.find("#no-delegations").getText()).isEqualTo("No delegations yet.");
        assertThat(maria.find("#no-requests").getText()).isEqualTo("No requests yet.");
        assertThat(maria.find("#no-pending").getText()).contains("Nothing is waiting");
        maria.screenshot("temporary-access-empty");

        new Select(maria.field("Lend to")).selectByVisibleText("dave");
        maria.fill("For how many hours", "8").press("Lend role");
        assertThat(maria.find("#temporary-errors").getText()).as("a reason is needed").contains("reason");
        maria.screenshot("temporary-access-lend-refused");

        new Select(maria.field("Role to lend")).selectByVisibleText("manager at Downtown");
        new Select(maria.field("Lend to")).selectByVisibleText("dave");
        maria.fill("For how many hours", "8").fill("Reason for lending", "holiday cover").press("Lend role");
        assertThat(maria.text()).contains("The role is lent");
        assertThat(maria.find(".delegation-row").getText()).contains("maria", "dave", "manager", "Downtown",
                "holiday cover");
        assertThat(maria.find(".delegation-status").getText()).isEqualTo("ACTIVE");
        maria.screenshot("temporary-access-lent");

        maria.open("/console/users/" + dave.id());
        assertThat(maria.find(".user-delegation-row").getText()).as("on the delegate's page")
                .contains("maria", "dave", "holiday cover");
        maria.driver().executeScript("document.getElementById('delegations').scrollIntoView({block: 'start',"
                + " behavior: 'instant'})");
        maria.screenshot("user-lent-role");
        maria.open("/console/temporary-access");

        ConsoleBrowser daveSees = browser().signIn(clinic.slug(), "dave", TestMembers.PASSWORD);
        daveSees.open("/console/temporary-access");
        assertThat(daveSees.find(".delegation-row").getText()).as("the delegate sees it too").contains("maria");
        assertThat(new Select(daveSees.field("Role to lend")).getOptions()).extracting(WebElement::getText)
                .as("acting manager, he may lend only his own role, never the lent one").containsExactly(
                        "front_desk at Downtown");

        maria.press("End");
        assertThat(maria.text()).contains("The delegation ended");
        assertThat(maria.find(".delegation-status").getText()).isEqualTo("ENDED");
        assertThat(maria.findAll("button[aria-label='End manager lent to dave']")).isEmpty();
        maria.screenshot("temporary-access-ended");
    }

    @Test
    void aProviderAsksTheOwnerApprovesOneAndDeniesAnother() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String downtown = TestTenants.location(api, clinic, "Downtown", null);
        TestMembers.member("petra").holding("provider").at(downtown).create(api, clinic);

        ConsoleBrowser petra = browser().signIn(clinic.slug(), "petra", TestMembers.PASSWORD);
        petra.open("/console/temporary-access");
        assertThat(petra.findAll("#lend-title")).as("a provider lends nothing").isEmpty();
        new Select(petra.field("Role")).selectByVisibleText("manager");
        new Select(petra.field("Where")).selectByVisibleText("Downtown");
        petra.fill("Minutes", "30").fill("Reason for asking", "covering the front office").press("Ask for role");
        assertThat(petra.text()).contains("Your request is waiting");
        assertThat(petra.find(".request-status").getText()).isEqualTo("PENDING");
        assertThat(petra.findAll(".pending-row")).as("never offered to approve her own request").isEmpty();
        assertThat(petra.findAll("button[aria-label='Approve manager for petra']")).isEmpty();
        petra.screenshot("temporary-access-pending");

        new Select(petra.field("Role")).selectByVisibleText("billing");
        petra.fill("Minutes", "20").fill("Reason for asking", "month end").press("Ask for role");

        ConsoleBrowser owner = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        owner.open("/console/temporary-access");
        assertThat(owner.findAll(".pending-row")).hasSize(2);
        owner.screenshot("temporary-access-approvals");
        owner.press("Approve");
        assertThat(owner.text()).contains("Approved");
        assertThat(owner.findAll(".pending-row")).hasSize(1);
        owner.press("Deny");
        assertThat(owner.text()).contains("Denied");
        assertThat(owner.find("#no-pending").getText()).contains("Nothing is waiting");

        petra.open("/console/temporary-access");
        assertThat(petra.text()).contains("APPROVED", "DENIED");
        petra.screenshot("temporary-access-decided");
    }
}
