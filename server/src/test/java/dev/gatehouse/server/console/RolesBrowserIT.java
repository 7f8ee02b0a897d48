package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * An administrator builds a custom role in the matrix editor and the check API honours it once a
 * user holds it; and manages the location tree (add, add inside, rename, move, a refused cycle).
 */
class RolesBrowserIT extends BrowserTest {

    @Test
    void aCustomRoleBuiltInTheMatrixEditorIsWhatTheCheckApiDecides() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String mainSt = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "Main St")).text("/id");
        String elmSt = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "Elm St")).text("/id");
        UUID lena = UUID.fromString(TestMembers.member("lena").holding("front_desk").at(elmSt).create(api, clinic).id());

        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.open("/console/roles");
        assertThat(admin.text()).contains("Manager", "Front Desk/Receptionist", "Built-in");
        admin.screenshot("roles-list");

        admin.press("New custom role").fill("Key", "lead_therapist").fill("Name", "Lead Therapist")
                .fill("Description", "Runs the therapy team of a location");
        grant(admin, "View patient records", "patients.read", "location");
        grant(admin, "Register new patients", "patients.create", "location");
        grant(admin, "Change patient records", "patients.edit", "location");
        grant(admin, "Write medical notes", "medical_notes.create", "own only");
        grant(admin, "Amend medical notes", "medical_notes.edit", "own only");
        admin.screenshot("role-editor");
        admin.field("Name").sendKeys(Keys.ENTER); // submits the editor's form, as its Create role button does
        admin.waitUntil(Duration.ofSeconds(30), driver -> admin.path().equals("/console/roles/lead_therapist"));
        assertThat(admin.text()).contains("Role created.", "Lead Therapist", "Custom");
        Response stored = api.get(clinic.path("/roles/lead_therapist"), clinic.adminToken());
        assertThat(stored.raw()).contains("\"permission\":\"patients.read\",\"scope\":\"LOCATION\"")
                .contains("\"permission\":\"medical_notes.edit\",\"scope\":\"OWN\"")
                .doesNotContain("patients.delete");

        Response assigned = api.post(clinic.path("/users/" + lena + "/roles"), clinic.adminToken(),
                json("role", "lead_therapist", "location", mainSt));
        assertThat(assigned.status()).as(assigned.raw()).isEqualTo(201);
        admin.open("/console/roles/lead_therapist");
        assertThat(admin.text()).contains("lena", "Main St");
        admin.screenshot("role-detail");

        assertThat(allowed(clinic, lena, "patients.edit", mainSt)).isTrue();
        assertThat(allowed(clinic, lena, "patients.edit", elmSt)).isFalse();
        assertThat(allowed(clinic, lena, "patients.delete", mainSt)).isFalse();
    }

    @Test
    void aConditionIsWrittenInItsCellAndABrokenOneIsRefusedThere() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String carl = TestMembers.member("carl").holding("front_desk").create(api, clinic).id();
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/roles/new").fill("Key", "small_refunds").fill("Name", "Small refunds");
        assertThat(admin.field("Condition of Approve a refund (refunds.approve)").isDisplayed()).as("offered once ticked").isFalse();
        grant(admin, "Approve a refund", "refunds.approve", "all");
        admin.fill("Condition of Approve a refund (refunds.approve)", "resource.amount <");
        admin.submit("Condition of Approve a refund (refunds.approve)");
        assertThat(admin.path()).isEqualTo("/console/roles");
        assertThat(admin.find("#grant-refunds-approve-error").getText()).contains("not a valid condition");
        assertThat(admin.field("Condition of Approve a refund (refunds.approve)").getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(api.get(clinic.path("/roles/small_refunds"), clinic.adminToken()).status()).isEqualTo(404);
        admin.driver().executeScript("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})",
                admin.find("#grant-refunds-approve-error"));
        admin.screenshot("role-editor-condition-refused");

        // seed 000: "approve charges only if < $500"
        admin.fill("Condition of Approve a refund (refunds.approve)", "resource.amount < 500");
        admin.submit("Condition of Approve a refund (refunds.approve)");
        admin.waitUntil(Duration.ofSeconds(30), driver -> admin.path().equals("/console/roles/small_refunds"));
        assertThat(admin.text()).contains("Role created.", "only if resource.amount < 500");
        admin.screenshot("role-detail-condition");
        assertThat(api.get(clinic.path("/roles/small_refunds"), clinic.adminToken()).text("/grants/0/condition"))
                .isEqualTo("resource.amount < 500");

        admin.open("/console/roles/small_refunds/edit");
        assertThat(admin.field("Condition of Approve a refund (refunds.approve)").getDomProperty("value"))
                .isEqualTo("resource.amount < 500");

        api.post(clinic.path("/users/" + carl + "/roles"), clinic.adminToken(), json("role", "small_refunds"));
        assertThat(refundAllowed(clinic, carl, 499)).isTrue();
        assertThat(refundAllowed(clinic, carl, 500)).isFalse();
    }

    private boolean refundAllowed(SignedInTenant clinic, String user, int amount) {
        Response answer = api.post(clinic.path("/check"), clinic.adminToken(), json("user", user,
                "permission", "refunds.approve", "resource", raw(json("type", "refund", "id", "r-1",
                        "attributes", raw(json("amount", amount))))));
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        return answer.body().at("/allowed").asBoolean();
    }

    @Test
    void theLocationTreeGrowsIsRenamedAndRearrangedButNeverIntoACycle() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/locations").fill("Location name", "North").press("Add location");
        assertThat(admin.text()).contains("Location added.");
        admin.fill("Name of the new location", "Clinic A").press("Add inside");
        admin.fill("New name", "Clinic Alpha").press("Rename");
        assertThat(admin.find("h1").getText()).isEqualTo("Clinic Alpha");
        String clinicAlpha = admin.path();

        admin.open("/console/locations").press("North");
        new Select(admin.field("New parent")).selectByVisibleText("— Clinic Alpha");
        admin.press("Move");
        assertThat(admin.text()).contains("cannot move a location under one of its own descendants");

        admin.open("/console/locations").fill("Location name", "South").press("Add location");
        admin.open(clinicAlpha);
        new Select(admin.field("New parent")).selectByVisibleText("South");
        admin.press("Move");
        assertThat(admin.text()).contains("Location saved.");

        admin.open("/console/locations");
        assertThat(admin.find(".location-tree").getText()).containsSubsequence("North", "South", "Clinic Alpha");
        assertThat(admin.findAll(".location-tree ul ul a")).extracting(e -> e.getText()).containsExactly("Clinic Alpha");
        admin.screenshot("locations-tree");
    }

    /** Ticks the permission labelled by its name for people, with its key beside it (issue 16), at {@code scope}. */
    private static void grant(ConsoleBrowser browser, String name, String key, String scope) {
        browser.field(name + " " + key).sendKeys(Keys.SPACE); // the keyboard ticks it, wherever the matrix has scrolled
        new Select(browser.field("Scope of " + name + " (" + key + ")")).selectByVisibleText(scope);
    }

    private boolean allowed(SignedInTenant clinic, UUID user, String permission, String location) {
        Response answer = api.post(clinic.path("/check"), clinic.adminToken(), json("user", user.toString(),
                "permission", permission, "resource", raw(json("type", "patient", "id", "p-1", "location", location))));
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        return answer.body().at("/allowed").asBoolean();
    }
}
