package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/** The Care teams screen and offboarding's reassignment in every state (issue 13; seed 004). */
class CareTeamsBrowserIT extends BrowserTest {

    private String location(SignedInTenant clinic, String name) {
        return api.post(clinic.path("/locations"), clinic.adminToken(), json("name", name)).text("/id");
    }

    private void relate(SignedInTenant clinic, String subjectType, String subjectId, String relation, String patient) {
        ApiClient.Response written = api.post(clinic.path("/relationships"), clinic.adminToken(),
                json("subject", raw(json("type", subjectType, "id", subjectId)), "relation", relation,
                        "object", raw(json("type", "patient", "id", patient))));
        assertThat(written.status()).as(written.raw()).isEqualTo(201);
    }

    private boolean allowed(SignedInTenant clinic, String user, String patient) {
        return api.post(clinic.path("/check"), clinic.adminToken(), json("user", user, "permission", "patients.read",
                "resource", raw(json("type", "patient", "id", patient)))).body().path("allowed").asBoolean();
    }

    @Test
    void aManagerCreatesATeamAddsAndRemovesMembersAndSeesItsPatients() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String downtown = location(clinic, "Downtown");
        TestMembers.member("mia").holding("manager").at(downtown).create(api, clinic);
        TestMembers.member("dr.ann").called("Ann", "Lee").holding("provider").at(downtown).create(api, clinic);

        ConsoleBrowser mia = browser().signIn(clinic.slug(), "mia", TestMembers.PASSWORD);
        assertThat(mia.menu()).contains("Care teams");
        mia.press("Care teams");
        assertThat(mia.path()).isEqualTo("/console/care-teams");
        assertThat(mia.find("#no-teams").getText()).isEqualTo("No care teams yet.");
        mia.screenshot("care-teams-empty");

        mia.press("Create team");
        assertThat(mia.find("#name-error").getText()).isEqualTo("is required");
        assertThat(mia.findAll(".team-row")).isEmpty();

        mia.fill("Team name", "Cardiology A");
        new Select(mia.field("Location")).selectByVisibleText("Downtown");
        mia.press("Create team");
        assertThat(mia.find("h1").getText()).isEqualTo("Cardiology A");
        assertThat(mia.text()).contains("Care team created.", "Downtown");
        assertThat(mia.find("#no-members").getText()).isEqualTo("No members yet.");
        assertThat(mia.find("#no-patients").getText()).isEqualTo("No patients yet.");
        String team = mia.path().substring("/console/care-teams/".length());

        new Select(mia.field("Add a member")).selectByVisibleText("dr.ann (Ann Lee)");
        mia.press("Add member");
        assertThat(mia.text()).contains("Member added.");
        assertThat(mia.find(".member-row").getText()).contains("dr.ann", "Ann Lee");
        relate(clinic, "careteam", team, "care_team", "123");
        mia.open("/console/care-teams/" + team);
        assertThat(mia.find(".patient-row").getText()).isEqualTo("patient 123");
        mia.screenshot("care-team-members");
        assertThat(allowed(clinic, "dr.ann", "123")).isTrue();

        mia.press("Remove");
        assertThat(mia.text()).contains("Member removed.");
        assertThat(mia.findAll(".member-row")).isEmpty();
        assertThat(allowed(clinic, "dr.ann", "123")).isFalse();

        mia.open("/console/care-teams");
        assertThat(mia.find(".team-row").getText()).contains("Cardiology A", "Downtown", "0");
    }

    @Test
    void lockingAProviderOffersToReassignTheirPatientsToAColleague() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").called("Ann", "Lee").holding("provider")
                .create(api, clinic);
        TestMembers.member("dr.ben").called("Ben", "Ode").holding("provider").create(api, clinic);
        String team = api.post(clinic.path("/care-teams"), clinic.adminToken(), json("name", "Cardiology A",
                "members", raw("[\"" + ann.id() + "\"]"))).text("/id");
        relate(clinic, "careteam", team, "care_team", "123");
        relate(clinic, "user", ann.id(), "assigned_provider", "456");

        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.open("/console/users/" + ann.id());
        admin.driver().executeScript("arguments[0].click()", admin.find("main").findElement(
                org.openqa.selenium.By.xpath(".//button[normalize-space()='Lock']")));
        admin.confirm();
        admin.waitUntil(Duration.ofSeconds(15), driver -> admin.path().endsWith("/reassign"));
        assertThat(admin.find("#locked-notice").getText()).contains("dr.ann is locked");
        assertThat(admin.find("#pending").getText()).contains("Care team Cardiology A", "1 assigned patient(s)");
        admin.screenshot("reassign-offered");

        new Select(admin.field("Colleague who is covering")).selectByVisibleText("dr.ben (Ben Ode)");
        admin.press("Reassign");
        assertThat(admin.find("#reassigned").getText())
                .contains("dr.ben now looks after care teams Cardiology A and 1 assigned patient(s)");
        assertThat(admin.find("#nothing-to-reassign").getText()).contains("nothing to reassign");
        admin.screenshot("reassign-done");
        assertThat(allowed(clinic, "dr.ben", "123")).isTrue();
        assertThat(allowed(clinic, "dr.ben", "456")).isTrue();

        admin.open("/console/users/" + ann.id());
        admin.press("Reassign care teams and patients");
        assertThat(admin.find("#nothing-to-reassign").getText()).contains("dr.ann is in no care team");
    }

    @Test
    void whoMayNotIsRefused() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String downtown = location(clinic, "Downtown");
        TestMembers.member("desk").holding("front_desk").at(downtown).create(api, clinic);
        TestMembers.member("mia").holding("manager").at(downtown).create(api, clinic);
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").at(downtown).create(api, clinic);
        relate(clinic, "user", ann.id(), "assigned_provider", "456");
        assertThat(api.post(clinic.path("/users/" + ann.id() + "/lock"), clinic.adminToken(), "").status())
                .isEqualTo(200);

        ConsoleBrowser desk = browser().signIn(clinic.slug(), "desk", TestMembers.PASSWORD);
        assertThat(desk.menu()).doesNotContain("Care teams");
        desk.open("/console/care-teams");
        assertThat(desk.title()).startsWith("Forbidden");
        assertThat(desk.find(".missing-permission").getText()).isEqualTo("care_teams.read");

        ConsoleBrowser mia = browser().signIn(clinic.slug(), "mia", TestMembers.PASSWORD);
        mia.open("/console/users/" + ann.id() + "/reassign");
        assertThat(mia.find("#pending").getText()).contains("1 assigned patient(s)");
        assertThat(mia.find("#may-not").getText()).contains("You cannot reassign dr.ann");
        assertThat(mia.findAll("#to")).isEmpty();
        mia.screenshot("reassign-refused");
    }
}
