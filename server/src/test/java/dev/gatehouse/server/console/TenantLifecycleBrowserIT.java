package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Operators › Tenants › a tenant, and Operators › Help a user, in a browser (issue 16): every
 * state of the pages — active with deletion refused, a suspension not confirmed, suspended, the
 * organisation's sign-in refused with the reason, a wrong typed slug, deleted with its archive,
 * the platform's trail with and without events — and seed 001's locked-out tenant admin recovered
 * with a one-time link.
 */
class TenantLifecycleBrowserIT extends BrowserTest {

    @Test
    void anOperatorSuspendsReactivatesSuspendsAgainAndDeletesATenant() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);

        operator.open("/console/tenants/" + clinic.slug());
        assertThat(operator.find("#tenant-status").getText()).isEqualTo("Active");
        assertThat(operator.find("#delete-needs-suspension").getText()).contains("Suspend it first");
        operator.screenshot("tenant-active-delete-refused");

        operator.fill("Why (kept in the activity log)", "unpaid invoice").press("Suspend");
        assertThat(operator.find(".alert-danger").getText()).contains("Tick the box to confirm");
        operator.fill("Why (kept in the activity log)", "unpaid invoice")
                .click(operator.field("Yes, sign everyone out and suspend this organisation")).press("Suspend");
        assertThat(operator.find(".alert-success").getText()).contains("everyone was signed out");
        assertThat(operator.find("#tenant-status").getText()).isEqualTo("Suspended");
        assertThat(api.get("/api/v1/me", clinic.adminToken()).status()).isEqualTo(401);
        operator.screenshot("tenant-suspended");

        ConsoleBrowser member = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(member.find(".alert-danger").getText()).startsWith("This organisation is suspended; contact");
        member.screenshot("sign-in-organisation-suspended");

        operator.fill("Type " + clinic.slug() + " to confirm", "not-the-slug").press("Delete for good");
        assertThat(operator.find(".alert-danger").getText()).contains("Type the slug " + clinic.slug());
        operator.press("Reactivate");
        assertThat(operator.find("#tenant-status").getText()).isEqualTo("Active");
        assertThat(browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD).path())
                .isNotEqualTo("/console/sign-in");

        operator.fill("Why (kept in the activity log)", "contract ended")
                .click(operator.field("Yes, sign everyone out and suspend this organisation")).press("Suspend");
        operator.fill("Type " + clinic.slug() + " to confirm", clinic.slug()).press("Delete for good");
        assertThat(operator.find("#deleted").getText()).contains("The organisation " + clinic.slug()
                + " and all its data are deleted").contains(".jsonl");
        operator.screenshot("tenant-deleted");
        assertThat(api.get("/api/v1/tenants/" + clinic.slug(), operatorToken()).status()).isEqualTo(404);

        operator.open("/console/activity?action=TENANT_DELETED,TENANT_SUSPENDED,TENANT_REACTIVATED");
        assertThat(operator.text()).contains("TENANT_DELETED").contains("TENANT_SUSPENDED").contains(clinic.slug());
        operator.screenshot("platform-trail");
        operator.open("/console/activity?action=TENANT_MOVED&actor=nobody-" + UUID.randomUUID());
        assertThat(operator.text()).doesNotContain("TENANT_MOVED " + clinic.slug());
        operator.screenshot("platform-trail-empty");
    }

    @Test
    void anOperatorRecoversALockedOutTenantAdminWithAOneTimeLink() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        jdbc.sql("update users set status = 'LOCKED' where id = :id").param("id", UUID.fromString(clinic.adminId()))
                .update();
        context.getBean(AccessChanges.class).subjectChanged(new TenantId(UUID.fromString(clinic.id())),
                UUID.fromString(clinic.adminId()));
        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);

        operator.press("Help a user");
        assertThat(operator.path()).isEqualTo("/console/operator-access");
        operator.fill("Organisation (slug)", clinic.slug()).fill("Username of the person", "nobody-here")
                .fill("Why (a ticket number, who asked)", "ticket 4711").press("Unlock and make a reset link");
        assertThat(operator.find(".alert-danger").getText()).contains("There is no user");
        operator.screenshot("operator-access-unknown-user");

        operator.fill("Username of the person", SignedInTenant.ADMIN).press("Unlock and make a reset link");

        String link = operator.find("#reset-link").getText();
        assertThat(link).contains("/console/");
        assertThat(operator.text()).contains(SignedInTenant.ADMIN + " of " + clinic.slug() + " is unlocked");
        operator.screenshot("operator-access-recovered");
        assertThat(jdbc.sql("select status from users where id = :id").param("id", UUID.fromString(clinic.adminId()))
                .query(String.class).single()).isEqualTo("ACTIVE");
        assertThat(api.get(clinic.path("/audit?action=BREAK_GLASS"), api.login("platform", OPERATOR,
                OPERATOR_PASSWORD)).status()).as("the tenant's trail is its own").isEqualTo(404);
    }

    @Test
    void anOperatorActsAsATenantsUserUnderABannerUntilTheySignOut() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.member("nurse.ada").holding("provider").create(api, clinic);
        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);

        operator.open("/console/operator-access");
        operator.fill("Organisation (slug)", clinic.slug()).fill("Username of the person", "nurse.ada")
                .fill("Why (a ticket number, who asked)", "ticket 815: cannot see the schedule")
                .press("Act as this person");

        assertThat(operator.find("#impersonation-banner").getText()).startsWith("You are acting as nurse.ada of "
                + clinic.slug() + " (impersonation by " + OPERATOR + ")");
        operator.screenshot("operator-impersonating");
        assertThat(api.get(clinic.path("/audit?action=IMPERSONATION_STARTED"), clinic.adminToken()).body()
                .at("/items/0/details/reason").asString()).isEqualTo("ticket 815: cannot see the schedule");
        operator.press("Sign out");
        assertThat(operator.path()).startsWith("/console/sign-in");
    }
}
