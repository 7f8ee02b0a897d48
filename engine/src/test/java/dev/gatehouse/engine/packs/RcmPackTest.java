package dev.gatehouse.engine.packs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.Role;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The revenue-cycle pack against seed 001's "Roles available" table: every role's "what they can
 * do" is a row, and so is each thing beyond it that the role might try. The seed names no
 * locations, so roles are held for the whole tenant. Each table's first line, a comment, names the
 * columns.
 */
class RcmPackTest {

    private static final DecisionTable RCM = new DecisionTable("rcm");

    @Test
    void loadsWithTheSixRolesOfTheSeed() {
        RolePack pack = RolePacks.builtIn("rcm");

        assertThat(pack.name()).isEqualTo("rcm");
        assertThat(pack.roles()).extracting(Role::key).containsExactlyInAnyOrder("TENANT_ADMIN", "BILLING_LEAD",
                "BILLER", "RCM_ANALYST", "MEMBER_SERVICES", "READONLY");
        assertThat(pack.adminRole()).isEqualTo("TENANT_ADMIN");
        assertThat(pack.defaultRole()).isEqualTo("READONLY");
    }

    @Test
    void readOnlyHoldsEveryReadAndNothingElse() {
        // seed 001: READONLY (auditor, exec dashboard) can view only
        assertThat(RolePacks.builtIn("rcm").catalog().permissions()).extracting(Permission::key)
                .allSatisfy(key -> RCM.assertRow("READONLY", key, "-", key.endsWith(".read") ? "allow" : "deny",
                        "READONLY: View only"));
    }

    @Test
    void onlyTheTenantAdminManagesUsersAndRoles() {
        // seed 001: "Customer admin can't add users: their role is below TENANT_ADMIN"
        List<String> adminOnly = List.of("users.create", "users.edit", "users.delete", "roles.create", "roles.edit",
                "roles.delete", "roles.assign", "settings.edit", "access.check");
        for (Role role : RolePacks.builtIn("rcm").roles()) {
            String expected = role.key().equals("TENANT_ADMIN") ? "allow" : "deny";
            assertThat(adminOnly).allSatisfy(key -> RCM.assertRow(role.key(), key, "-", expected,
                    "only TENANT_ADMIN manages users and roles"));
        }
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role         | permission    | resource    | expected | why
          TENANT_ADMIN | users.create  | -           | allow    | seed 001: TENANT_ADMIN manages everything, including users and roles
          TENANT_ADMIN | users.edit    | user:42     | allow    | seed 001: TENANT_ADMIN can reset passwords from the user list
          TENANT_ADMIN | roles.create  | -           | allow    | seed 001: Create a custom role and assign permissions
          TENANT_ADMIN | roles.assign  | user:42     | allow    | seed 001: Edit a user's role assignment
          TENANT_ADMIN | audit.read    | -           | allow    | seed 001: Verify the audit log captures the user changes
          TENANT_ADMIN | claims.delete | claim:100   | allow    | seed 001: TENANT_ADMIN manages everything
          TENANT_ADMIN | payers.edit   | payer:aetna | allow    | seed 001: TENANT_ADMIN manages everything
        """)
    void tenantAdminManagesEverything(String role, String permission, String resource, String expected, String why) {
        RCM.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role         | permission           | resource          | expected | why
          BILLING_LEAD | payers.create        | payer:cigna       | allow    | seed 001: BILLING_LEAD manages payers
          BILLING_LEAD | payers.edit          | payer:aetna       | allow    | seed 001: BILLING_LEAD manages payers
          BILLING_LEAD | payers.delete        | payer:aetna       | allow    | seed 001: BILLING_LEAD manages payers
          BILLING_LEAD | fee_schedules.create | fee_schedule:2026 | allow    | seed 001: BILLING_LEAD manages fee schedules
          BILLING_LEAD | fee_schedules.edit   | fee_schedule:2026 | allow    | seed 001: BILLING_LEAD manages fee schedules
          BILLING_LEAD | claims.edit          | claim:100         | allow    | seed 001: BILLING_LEAD manages claims
          BILLING_LEAD | claims.delete        | claim:100         | allow    | seed 001: BILLING_LEAD manages claims
          BILLING_LEAD | claims.export        | -                 | allow    | seed 001: BILLING_LEAD manages claims
          BILLING_LEAD | denials.edit         | denial:7          | allow    | seed 001: BILLING_LEAD manages denials
          BILLING_LEAD | denials.delete       | denial:7          | allow    | seed 001: BILLING_LEAD manages denials
          BILLING_LEAD | members.edit         | member:55         | deny     | seed 001: member records are MEMBER_SERVICES work
          BILLING_LEAD | users.create         | -                 | deny     | seed 001: Customer admin can't add users, their role is below TENANT_ADMIN
          BILLING_LEAD | roles.assign         | user:42           | deny     | seed 001: only TENANT_ADMIN manages users and roles
        """)
    void billingLeadManagesPayersFeeSchedulesClaimsAndDenials(String role, String permission, String resource,
            String expected, String why) {
        RCM.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role   | permission         | resource          | expected | why
          BILLER | claims.read        | claim:100         | allow    | seed 001: BILLER does day-to-day claim work
          BILLER | claims.create      | claim:101         | allow    | seed 001: BILLER does day-to-day claim work
          BILLER | claims.edit        | claim:100         | allow    | seed 001: BILLER does day-to-day claim work
          BILLER | denials.edit       | denial:7          | allow    | seed 001: BILLER does day-to-day claim work (working denied claims)
          BILLER | payers.read        | payer:aetna       | allow    | seed 001: BILLER does day-to-day claim work (looks up the payer)
          BILLER | fee_schedules.read | fee_schedule:2026 | allow    | seed 001: BILLER does day-to-day claim work (looks up the fee)
          BILLER | eligibility.read   | eligibility:55    | allow    | seed 001: BILLER does day-to-day claim work (checks coverage)
          BILLER | payers.edit        | payer:aetna       | deny     | seed 001: BILLING_LEAD, not BILLER, manages payers
          BILLER | fee_schedules.edit | fee_schedule:2026 | deny     | seed 001: BILLING_LEAD, not BILLER, manages fee schedules
          BILLER | claims.delete      | claim:100         | deny     | seed 001: BILLING_LEAD, not BILLER, manages claims
          BILLER | denials.delete     | denial:7          | deny     | seed 001: BILLING_LEAD, not BILLER, manages denials
          BILLER | members.edit       | member:55         | deny     | seed 001: MEMBER_SERVICES, not BILLER, manages member records
          BILLER | users.create       | -                 | deny     | seed 001: only TENANT_ADMIN manages users and roles
          BILLER | roles.assign       | user:42           | deny     | seed 001: only TENANT_ADMIN manages users and roles
        """)
    void billerDoesDayToDayClaimWork(String role, String permission, String resource, String expected, String why) {
        RCM.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role        | permission      | resource     | expected | why
          RCM_ANALYST | dashboards.read | dashboard:ar | allow    | seed 001: RCM_ANALYST views dashboards
          RCM_ANALYST | reports.read    | report:aging | allow    | seed 001: RCM_ANALYST runs reports
          RCM_ANALYST | reports.run     | report:aging | allow    | seed 001: RCM_ANALYST runs reports
          RCM_ANALYST | reports.export  | report:aging | allow    | seed 001: RCM_ANALYST runs reports (for reporting and finance)
          RCM_ANALYST | dashboards.edit | dashboard:ar | deny     | seed 001: RCM_ANALYST views dashboards (only)
          RCM_ANALYST | claims.read     | claim:100    | deny     | seed 001: RCM_ANALYST views dashboards and runs reports, no claim work
          RCM_ANALYST | claims.edit     | claim:100    | deny     | seed 001: RCM_ANALYST views dashboards and runs reports, no claim work
          RCM_ANALYST | members.read    | member:55    | deny     | seed 001: RCM_ANALYST views dashboards and runs reports, no member records
          RCM_ANALYST | users.create    | -            | deny     | seed 001: only TENANT_ADMIN manages users and roles
          RCM_ANALYST | roles.assign    | user:42      | deny     | seed 001: only TENANT_ADMIN manages users and roles
        """)
    void analystViewsDashboardsAndRunsReports(String role, String permission, String resource, String expected,
            String why) {
        RCM.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role            | permission         | resource       | expected | why
          MEMBER_SERVICES | members.read       | member:55      | allow    | seed 001: MEMBER_SERVICES manages member records
          MEMBER_SERVICES | members.create     | member:56      | allow    | seed 001: MEMBER_SERVICES manages member records
          MEMBER_SERVICES | members.edit       | member:55      | allow    | seed 001: MEMBER_SERVICES manages member records
          MEMBER_SERVICES | eligibility.read   | eligibility:55 | allow    | seed 001: MEMBER_SERVICES manages eligibility
          MEMBER_SERVICES | eligibility.create | eligibility:56 | allow    | seed 001: MEMBER_SERVICES manages eligibility (runs checks)
          MEMBER_SERVICES | eligibility.edit   | eligibility:55 | allow    | seed 001: MEMBER_SERVICES manages eligibility
          MEMBER_SERVICES | claims.read        | claim:100      | deny     | seed 001: MEMBER_SERVICES (front desk, intake) does no claim work
          MEMBER_SERVICES | payers.read        | payer:aetna    | deny     | seed 001: payers belong to the billing roles
          MEMBER_SERVICES | dashboards.read    | dashboard:ar   | deny     | seed 001: dashboards belong to RCM_ANALYST and READONLY
          MEMBER_SERVICES | users.create       | -              | deny     | seed 001: only TENANT_ADMIN manages users and roles
          MEMBER_SERVICES | roles.assign       | user:42        | deny     | seed 001: only TENANT_ADMIN manages users and roles
        """)
    void memberServicesManagesMembersAndEligibility(String role, String permission, String resource, String expected,
            String why) {
        RCM.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role     | permission         | resource          | expected | why
          READONLY | claims.read        | claim:100         | allow    | seed 001: READONLY (auditor) views
          READONLY | denials.read       | denial:7          | allow    | seed 001: READONLY (auditor) views
          READONLY | payers.read        | payer:aetna       | allow    | seed 001: READONLY (auditor) views
          READONLY | fee_schedules.read | fee_schedule:2026 | allow    | seed 001: READONLY (auditor) views
          READONLY | members.read       | member:55         | allow    | seed 001: READONLY (auditor) views
          READONLY | eligibility.read   | eligibility:55    | allow    | seed 001: READONLY (auditor) views
          READONLY | dashboards.read    | dashboard:ar      | allow    | seed 001: READONLY (exec dashboard) views
          READONLY | reports.read       | report:aging      | allow    | seed 001: READONLY (exec dashboard) views
          READONLY | users.read         | -                 | allow    | seed 001: READONLY (auditor) views, the user roster included
          READONLY | roles.read         | -                 | allow    | seed 001: READONLY (auditor) views, the roles included
          READONLY | audit.read         | -                 | allow    | seed 001: READONLY (auditor) views, the audit log included
          READONLY | claims.create      | claim:101         | deny     | seed 001: READONLY, view only
          READONLY | claims.edit        | claim:100         | deny     | seed 001: READONLY, view only
          READONLY | claims.delete      | claim:100         | deny     | seed 001: READONLY, view only
          READONLY | claims.export      | -                 | deny     | seed 001: READONLY, view only
          READONLY | denials.edit       | denial:7          | deny     | seed 001: READONLY, view only
          READONLY | payers.edit        | payer:aetna       | deny     | seed 001: READONLY, view only
          READONLY | fee_schedules.edit | fee_schedule:2026 | deny     | seed 001: READONLY, view only
          READONLY | members.edit       | member:55         | deny     | seed 001: READONLY, view only
          READONLY | eligibility.create | eligibility:56    | deny     | seed 001: READONLY, view only
          READONLY | dashboards.export  | dashboard:ar      | deny     | seed 001: READONLY, view only
          READONLY | reports.run        | report:aging      | deny     | seed 001: READONLY, view only (running reports is RCM_ANALYST work)
          READONLY | reports.export     | report:aging      | deny     | seed 001: READONLY, view only
          READONLY | users.create       | -                 | deny     | seed 001: READONLY, view only
          READONLY | roles.assign       | user:42           | deny     | seed 001: READONLY, view only
          READONLY | audit.export       | -                 | deny     | seed 001: READONLY, view only
          READONLY | audit.purge        | -                 | deny     | seed 001: READONLY, view only
          READONLY | settings.edit      | -                 | deny     | seed 001: READONLY, view only
        """)
    void readOnlyViewsAndChangesNothing(String role, String permission, String resource, String expected, String why) {
        RCM.assertRow(role, permission, resource, expected, why);
    }
}
