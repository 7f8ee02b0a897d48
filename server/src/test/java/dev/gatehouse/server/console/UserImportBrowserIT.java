package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users › Import users in a browser (issue 17): the empty form, an import, and one with failed lines. */
class UserImportBrowserIT extends BrowserTest {

    static final String HEADER = "username,firstName,lastName,email,phone,kind,roles\n";

    @TempDir
    Path folder;

    @Test
    void aManagerUploadsACsvAndSeesWhatWasImportedAndWhichLinesWereNot() throws IOException {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/users").press("Import users");
        assertThat(admin.path()).isEqualTo("/console/users/import");
        assertThat(admin.findAll("#import-result")).isEmpty();
        assertThat(admin.text()).contains("username,firstName,lastName,email,phone,kind,roles");
        admin.screenshot("users-import");

        Path good = Files.writeString(folder.resolve("staff.csv"), HEADER
                + "nora,Nora,North,nora@example.com,,,front_desk\n"
                + "omar,Omar,Ortiz,,,,billing\n");
        admin.field("CSV file (at most 8 MB; larger files go through the API)").sendKeys(good.toString());
        admin.press("Import");
        assertThat(admin.find("#import-result").getText()).startsWith("2 users imported");
        assertThat(admin.findAll("#failed-lines")).isEmpty();
        admin.screenshot("users-import-done");
        assertThat(api.get(clinic.path("/users?q=nora"), clinic.adminToken()).body().at("/items/0/status").asString())
                .isEqualTo("INVITED");

        Path bad = Files.writeString(folder.resolve("more.csv"), HEADER
                + "pia,Pia,P,,,,front_desk\n"
                + "x,Xavier,X,,,,no_such_role\n");
        admin.field("CSV file (at most 8 MB; larger files go through the API)").sendKeys(bad.toString());
        admin.press("Import");
        assertThat(admin.find("#import-result").getText()).startsWith("0 users imported");
        String failed = admin.find("#failed-lines").getText();
        assertThat(failed).contains("username").contains("must be 3 to 64 characters").contains("roles[0].role")
                .contains("unknown role").contains("batch");
        admin.screenshot("users-import-failed");
        assertThat(api.get(clinic.path("/users?q=pia"), clinic.adminToken()).body().at("/total").asLong()).isZero();
    }
}
