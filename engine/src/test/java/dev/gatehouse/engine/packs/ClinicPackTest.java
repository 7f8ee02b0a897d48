package dev.gatehouse.engine.packs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.AccessTable;
import dev.gatehouse.engine.FieldDecisions;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.TenantPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The clinic pack against seed 000's "Built-In Roles": every "can" and "cannot" of every role is a
 * row. Most rows hold the role at {@code downtown}; {@code north} is the region above
 * {@code downtown} and {@code uptown}, {@code harbor} lies in region {@code south}. A resource's
 * {@code assignee:} is its assigned provider or someone it is shared with; {@code dr-lee} is
 * another provider. Each table's first line, a comment, names the columns.
 */
class ClinicPackTest {

    private static final DecisionTable CLINIC = new DecisionTable("clinic");

    @Test
    void loadsWithTheSevenRolesOfTheSeed() {
        RolePack pack = RolePacks.builtIn("clinic");

        assertThat(pack.name()).isEqualTo("clinic");
        assertThat(pack.roles()).extracting(Role::key).containsExactly("owner", "manager", "provider", "front_desk",
                "billing", "inventory_manager", "ai_assistant_handler");
        assertThat(pack.adminRole()).isEqualTo("owner");
        // The default role goes to whoever arrives by e-mail domain: the front desk sees contact
        // info and the schedule, no medical records, no billing, no staff management.
        assertThat(pack.defaultRole()).isEqualTo("front_desk");
    }

    /**
     * seed 000, Advanced Features: "Field-level permissions - Hide sensitive fields (SSN, insurance)
     * from certain roles". Each field is {@code patients.read.<field>} on the same patient; the
     * front desk, without patients.read, sees none.
     */
    @ParameterizedTest(name = "{0} | {1} → allowed {2}, denied {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role              | resource                           | allowed                              | denied                               | why
          owner             | patient:7 @harbor                  | ssn insurance diagnosis notes        | -                                    | seed 000: Owner sees all patients and records
          manager@downtown  | patient:7 @downtown                | insurance diagnosis notes            | ssn                                  | seed 000: Manager views all patient records; the SSN stays with billing
          manager@downtown  | patient:7 @uptown                  | -                                    | ssn insurance diagnosis notes        | not their location: patients.read itself is denied
          provider@downtown | patient:7 @downtown assignee:me    | diagnosis notes                      | ssn insurance                        | seed 000: providers see the clinical fields of their patients, no billing
          provider@downtown | patient:7 @downtown                | -                                    | ssn insurance diagnosis notes        | seed 000: cannot view other providers' patients
          billing@downtown  | patient:7 @downtown                | ssn insurance                        | diagnosis notes                      | seed 000: Billing sees patients and billing, no clinical records
          front_desk@downtown | patient:7 @downtown              | -                                    | ssn insurance diagnosis notes        | seed 000: Front desk sees contact info only, no medical records
          billing@downtown  | patient:7 @downtown                | -                                    | shoe_size                            | a field the catalog does not list is denied
        """)
    void sensitiveFieldsOfPatientRecordsPerRole(String role, String resource, String allowed, String denied,
            String why) {
        List<String> expectedAllowed = allowed.equals("-") ? List.of() : List.of(allowed.split(" "));
        List<String> expectedDenied = denied.equals("-") ? List.of() : List.of(denied.split(" "));
        List<String> asked = new ArrayList<>(expectedAllowed);
        asked.addAll(expectedDenied);
        TenantPolicy policy = CLINIC.policy();
        FieldDecisions decisions = policy.checkFields(policy.compile(DecisionTable.subject(DecisionTable.ME, role)),
                "patients.read", asked, AccessTable.resource(resource), DecisionTable.NOW, RequestContext.EMPTY);
        assertThat(decisions.allowed()).as(why).containsExactlyElementsOf(expectedAllowed);
        assertThat(decisions.denied()).as(why).containsExactlyElementsOf(expectedDenied);
    }

    @Test
    void onlyTheOwnerDeletesUserAccounts() {
        // seed 000: "Permanently remove a user (only Owner/Admin)"
        for (Role role : RolePacks.builtIn("clinic").roles()) {
            CLINIC.assertRow(role.key(), "users.delete", "-", role.key().equals("owner") ? "allow" : "deny",
                    "Deleting User Account: only Owner/Admin");
        }
    }

    @Test
    void noRoleButTheOwnerBothApprovesAndPaysOutRefunds() {
        // seed 000, Separation of Duties: one person approves refunds, a different person processes them
        for (Role role : RolePacks.builtIn("clinic").roles()) {
            boolean approves = CLINIC.decide(role.key(), "refunds.approve", "-").allowed();
            boolean paysOut = CLINIC.decide(role.key(), "refunds.process", "-").allowed();
            assertThat(approves && paysOut)
                    .as("%s both approves and pays out refunds", role.key())
                    .isEqualTo(role.key().equals("owner"));
        }
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role           | permission         | resource               | expected | why
          owner          | patients.read      | patient:7 @harbor      | allow    | seed 000: Owner can view all patients and records
          owner          | medical_notes.read | medical_note:3 @uptown | allow    | seed 000: Owner can view all patients and records
          owner          | users.create       | -                      | allow    | seed 000: Owner can manage users and roles
          owner          | roles.edit         | role:front_desk        | allow    | seed 000: Owner can manage users and roles
          owner          | roles.assign       | user:42 @downtown      | allow    | seed 000: Owner can manage users and roles
          owner          | billing.read       | charge:5 @harbor       | allow    | seed 000: Owner can access billing and settings
          owner          | settings.edit      | -                      | allow    | seed 000: Owner can access billing and settings
          owner          | patients.delete    | patient:7 @downtown    | allow    | seed 000: Owner can delete data
          owner          | users.delete       | user:42 @downtown      | allow    | seed 000: Permanently remove a user (only Owner/Admin)
          owner          | audit.read         | -                      | allow    | seed 000: Settings > Security > View activity log
          owner          | audit.purge        | -                      | allow    | seed 000: Owner has full access; the retention purge is an admin task
          owner@downtown | patients.read      | patient:9 @harbor      | allow    | seed 000: Owner has full access to all features, wherever the role is held
        """)
    void ownerHasFullAccessToAllFeatures(String role, String permission, String resource, String expected,
            String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role             | permission          | resource                 | expected | why
          manager@downtown | patients.read       | patient:7 @downtown      | allow    | seed 000: Manager can view all patient records
          manager@downtown | medical_notes.read  | medical_note:3 @downtown | allow    | seed 000: Manager can view all patient records
          manager          | patients.read       | patient:9 @harbor        | allow    | seed 000: Manager can view all patient records (held for the whole clinic)
          manager@downtown | patients.read       | patient:9 @harbor        | deny     | seed 000: Location Manager manages their location, not the others
          manager@downtown | appointments.create | appointment:4 @downtown  | allow    | seed 000: Manager can create appointments and manage scheduling
          manager@downtown | appointments.edit   | appointment:4 @downtown  | allow    | seed 000: Manager can create appointments and manage scheduling
          manager@downtown | appointments.delete | appointment:4 @downtown  | allow    | seed 000: Manager can create appointments and manage scheduling (cancel)
          manager@downtown | payments.process    | payment:5 @downtown      | allow    | seed 000: Manager can process payments
          manager@downtown | time_tracking.read  | timesheet:2 @downtown    | allow    | seed 000: Manager can manage staff time tracking
          manager@downtown | time_tracking.edit  | timesheet:2 @downtown    | allow    | seed 000: Manager can manage staff time tracking
          manager@downtown | users.delete        | user:42 @downtown        | deny     | seed 000: Manager cannot delete staff or change roles
          manager@downtown | roles.assign        | user:42 @downtown        | deny     | seed 000: Manager cannot delete staff or change roles
          manager@downtown | roles.edit          | role:front_desk          | deny     | seed 000: Manager cannot delete staff or change roles
          manager@downtown | roles.create        | -                        | deny     | seed 000: Manager cannot delete staff or change roles
          manager@downtown | roles.read          | role:front_desk          | allow    | seed 000: Manager sees the roles of staff without changing them
          manager@downtown | users.create        | user:43 @downtown        | allow    | seed 000: Location Manager can manage staff at their location
          manager@downtown | users.edit          | user:42 @downtown        | allow    | seed 000: Location Manager can manage staff at their location
          manager@downtown | users.edit          | user:44 @uptown          | deny     | seed 000: Location Manager can manage staff at their location (only)
          manager@downtown | settings.edit       | -                        | deny     | seed 000: Location Manager ... but not system-wide settings
          manager@downtown | refunds.approve     | refund:8 @downtown       | allow    | seed 000: Separation of duties, one person approves refunds
          manager@downtown | refunds.process     | refund:8 @downtown       | deny     | seed 000: Separation of duties, a different person processes the refund
          manager@downtown | billing.read        | charge:5 @downtown       | allow    | seed 000: Manager reviews reconciliation
          manager@downtown | billing.reconcile   | -                        | deny     | seed 000: One person reconciles billing, Manager reviews reconciliation
          manager@downtown | patients.delete     | patient:7 @downtown      | deny     | seed 000: Managers need broad but not full access (deleting data is Owner/Admin)
          manager@downtown | audit.read          | -                        | deny     | seed 000: Managers need broad but not full access
        """)
    void managerRunsTheLocationButCannotDeleteStaffOrChangeRoles(String role, String permission, String resource,
            String expected, String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role              | permission           | resource                                          | expected | why
          provider@downtown | patients.read        | patient:7 @downtown assignee:me                   | allow    | seed 000: Provider can view assigned patients
          provider@downtown | patients.read        | patient:8 @downtown owner:me                      | allow    | seed 000: Provider can view own patient records
          provider@downtown | patients.read        | patient:9 @downtown                               | deny     | seed 000: Provider can view assigned patients (being at the same location is not enough)
          provider@downtown | patients.read        | patient:9 @downtown assignee:dr-lee               | deny     | seed 000: Provider cannot view other providers' patients
          provider@downtown | medical_notes.read   | medical_note:9 @downtown assignee:dr-lee          | deny     | seed 000: Provider cannot view other providers' patients
          provider@downtown | patients.read        | patient:9 @downtown assignee:dr-lee assignee:me   | allow    | seed 000: Provider cannot view other providers' patients (unless shared)
          provider@downtown | patients.read        | patient:10 @harbor assignee:me                    | allow    | seed 000: Provider can view assigned patients (at any location)
          provider@downtown | appointments.read    | appointment:4 @downtown assignee:me               | allow    | seed 000: Provider can view/create appointments
          provider@downtown | appointments.create  | appointment:5 @downtown assignee:me               | allow    | seed 000: Provider can view/create appointments
          provider@downtown | appointments.edit    | appointment:4 @downtown assignee:me               | allow    | seed 000: Providers manage own schedules
          provider@downtown | appointments.read    | appointment:6 @downtown assignee:dr-lee           | deny     | seed 000: Provider cannot view other providers' patients
          provider@downtown | medical_notes.read   | medical_note:3 @downtown assignee:me              | allow    | seed 000: Provider can view/create medical notes
          provider@downtown | medical_notes.create | medical_note:4 @downtown assignee:me              | allow    | seed 000: Provider can view/create medical notes
          provider@downtown | medical_notes.edit   | medical_note:3 @downtown owner:me                 | allow    | seed 000: Notes: Create, Edit (own only)
          provider@downtown | medical_notes.edit   | medical_note:7 @downtown assignee:me owner:dr-lee | deny     | seed 000: Notes: Create, Edit (own only)
          provider@downtown | billing.read         | charge:5 @downtown                                | deny     | seed 000: Provider cannot access billing
          provider@downtown | invoices.read        | invoice:5 @downtown assignee:me                   | deny     | seed 000: Provider cannot access billing
          provider@downtown | payments.process     | payment:5 @downtown                               | deny     | seed 000: Provider cannot access billing
          provider@downtown | users.read           | user:42 @downtown                                 | deny     | seed 000: Provider cannot access staff management
          provider@downtown | users.create         | -                                                 | deny     | seed 000: Provider cannot access staff management
          provider@downtown | time_tracking.edit   | timesheet:2 @downtown                             | deny     | seed 000: Provider cannot access staff management
          provider@downtown | settings.read        | -                                                 | deny     | seed 000: Providers don't need admin access
        """)
    void providerSeesOnlyAssignedAndSharedPatients(String role, String permission, String resource, String expected,
            String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role                | permission            | resource                 | expected | why
          front_desk@downtown | appointments.check_in | appointment:4 @downtown  | allow    | seed 000: Front Desk can check in patients
          front_desk@downtown | appointments.create   | appointment:5 @downtown  | allow    | seed 000: Front Desk can schedule and reschedule appointments
          front_desk@downtown | appointments.edit     | appointment:4 @downtown  | allow    | seed 000: Front Desk can schedule and reschedule appointments
          front_desk@downtown | appointments.read     | appointment:6 @downtown  | allow    | seed 000: Front Desk all see all appointments
          front_desk@downtown | appointments.check_in | appointment:8 @harbor    | deny     | seed 000: Front Desk by location
          front_desk@downtown | patients.contact      | patient:7 @downtown      | allow    | seed 000: Front Desk can view patient contact info
          front_desk@downtown | patients.read         | patient:7 @downtown      | deny     | seed 000: Front Desk cannot view medical records (contact info only)
          front_desk@downtown | medical_notes.read    | medical_note:3 @downtown | deny     | seed 000: Front Desk cannot view medical records
          front_desk@downtown | billing.read          | charge:5 @downtown       | deny     | seed 000: Front Desk cannot view billing
          front_desk@downtown | invoices.read         | invoice:5 @downtown      | deny     | seed 000: Front Desk cannot view billing
          front_desk@downtown | payments.process      | payment:5 @downtown      | deny     | seed 000: Receptionists don't need billing access
          front_desk@downtown | patients.edit         | patient:7 @downtown      | deny     | seed 000: Front Desk cannot delete or modify patient data
          front_desk@downtown | patients.delete       | patient:7 @downtown      | deny     | seed 000: Front Desk cannot delete or modify patient data
          front_desk@downtown | patients.create       | patient:11 @downtown     | deny     | seed 000: Front Desk cannot delete or modify patient data
        """)
    void frontDeskSchedulesAndChecksInButSeesNoMedicalRecordsOrBilling(String role, String permission,
            String resource, String expected, String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role             | permission            | resource                 | expected | why
          billing@downtown | patients.read         | patient:7 @downtown      | allow    | seed 000: Billing can view all patients and billing records
          billing@downtown | billing.read          | charge:5 @downtown       | allow    | seed 000: Billing can view all patients and billing records
          billing@downtown | invoices.read         | invoice:5 @downtown      | allow    | seed 000: Billing can view all patients and billing records
          billing@downtown | billing.create        | charge:6 @downtown       | allow    | seed 000: Billing can create charges and invoices
          billing@downtown | invoices.create       | invoice:6 @downtown      | allow    | seed 000: Billing can create charges and invoices
          billing@downtown | payments.process      | payment:5 @downtown      | allow    | seed 000: Billing can process payments
          billing@downtown | reports.create        | report:revenue @downtown | allow    | seed 000: Billing can generate billing reports
          billing@downtown | reports.export        | report:revenue @downtown | allow    | seed 000: Billing can generate billing reports
          billing@downtown | billing.reconcile     | -                        | allow    | seed 000: One person reconciles billing
          billing@downtown | refunds.process       | refund:8 @downtown       | allow    | seed 000: Separation of duties, a different person processes the refund
          billing@downtown | refunds.approve       | refund:8 @downtown       | deny     | seed 000: Separation of duties, one person approves refunds
          billing@downtown | medical_notes.read    | medical_note:3 @downtown | deny     | seed 000: Billing cannot access clinical records
          billing@downtown | medical_notes.create  | -                        | deny     | seed 000: Billing staff don't need clinical notes
          billing@downtown | appointments.read     | appointment:4 @downtown  | deny     | seed 000: Billing cannot access scheduling
          billing@downtown | appointments.create   | -                        | deny     | seed 000: Billing cannot access scheduling
          billing@downtown | appointments.check_in | appointment:4 @downtown  | deny     | seed 000: Billing cannot access scheduling
          billing@downtown | billing.read          | charge:9 @harbor         | deny     | seed 000: Billing staff separate by location like the rest of the staff
        """)
    void billingHandlesMoneyButNotClinicalRecordsOrScheduling(String role, String permission, String resource,
            String expected, String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role                       | permission         | resource                 | expected | why
          inventory_manager@downtown | products.read      | product:3 @downtown      | allow    | seed 000: Inventory Manager can view and manage products/inventory
          inventory_manager@downtown | products.edit      | product:3 @downtown      | allow    | seed 000: Inventory Manager can view and manage products/inventory
          inventory_manager@downtown | inventory.read     | stock:3 @downtown        | allow    | seed 000: Inventory Manager can view and manage products/inventory
          inventory_manager@downtown | inventory.create   | stock:4 @downtown        | allow    | seed 000: Inventory Manager can view and manage products/inventory
          inventory_manager@downtown | orders.create      | order:12 @downtown       | allow    | seed 000: Inventory Manager can create orders
          inventory_manager@downtown | inventory.edit     | stock:3 @downtown        | allow    | seed 000: Inventory Manager can track stock
          inventory_manager@downtown | patients.read      | patient:7 @downtown      | deny     | seed 000: Inventory Manager cannot access clinical
          inventory_manager@downtown | medical_notes.read | medical_note:3 @downtown | deny     | seed 000: Inventory Manager cannot access clinical
          inventory_manager@downtown | billing.read       | charge:5 @downtown       | deny     | seed 000: Inventory Manager cannot access billing
          inventory_manager@downtown | invoices.read      | invoice:5 @downtown      | deny     | seed 000: Inventory Manager cannot access billing
          inventory_manager@downtown | payments.read      | payment:5 @downtown      | deny     | seed 000: Inventory Manager cannot access billing
        """)
    void inventoryManagerManagesStockButNotClinicalOrBilling(String role, String permission, String resource,
            String expected, String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role                          | permission          | resource                          | expected | why
          ai_assistant_handler@downtown | calls.read          | call:11 @downtown                 | allow    | seed 000: AI Assistant Handler can manage incoming calls
          ai_assistant_handler@downtown | calls.edit          | call:11 @downtown assignee:me     | allow    | seed 000: AI Assistant Handler can manage incoming calls
          ai_assistant_handler@downtown | transcriptions.read | transcription:11 @downtown        | allow    | seed 000: AI Assistant Handler can view AI transcriptions
          ai_assistant_handler@downtown | patients.read       | patient:7 @downtown               | deny     | seed 000: AI Assistant Handler cannot access patient records directly
          ai_assistant_handler@downtown | patients.contact    | patient:7 @downtown               | deny     | seed 000: AI Assistant Handler cannot access patient records directly
          ai_assistant_handler@downtown | medical_notes.read  | medical_note:3 @downtown          | deny     | seed 000: AI Assistant Handler cannot access patient records directly
          ai_assistant_handler@downtown | calls.edit          | call:12 @downtown assignee:dr-lee | deny     | seed 000: AI Assistant Handler is limited to assigned tasks
          ai_assistant_handler@downtown | calls.delete        | call:11 @downtown assignee:me     | deny     | seed 000: AI Assistant Handler is limited to assigned tasks
          ai_assistant_handler@downtown | appointments.create | appointment:5 @downtown           | deny     | seed 000: AI Assistant Handler is limited to assigned tasks
        """)
    void aiAssistantHandlerHandlesCallsButNotPatientRecords(String role, String permission, String resource,
            String expected, String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role                                 | permission            | resource                 | expected | why
          manager@downtown + front_desk@uptown | users.edit            | user:42 @downtown        | allow    | seed 000: Manager can manage Location A
          manager@downtown + front_desk@uptown | medical_notes.read    | medical_note:3 @downtown | allow    | seed 000: Manager can manage Location A
          manager@downtown + front_desk@uptown | appointments.delete   | appointment:4 @downtown  | allow    | seed 000: Manager can manage Location A
          manager@downtown + front_desk@uptown | users.edit            | user:44 @uptown          | deny     | seed 000: but is only Front Desk at Location B
          manager@downtown + front_desk@uptown | medical_notes.read    | medical_note:5 @uptown   | deny     | seed 000: but is only Front Desk at Location B (no medical records)
          manager@downtown + front_desk@uptown | patients.read         | patient:9 @uptown        | deny     | seed 000: but is only Front Desk at Location B (no medical records)
          manager@downtown + front_desk@uptown | payments.process      | payment:6 @uptown        | deny     | seed 000: but is only Front Desk at Location B (no billing)
          manager@downtown + front_desk@uptown | appointments.delete   | appointment:7 @uptown    | deny     | seed 000: but is only Front Desk at Location B (schedules and reschedules)
          manager@downtown + front_desk@uptown | patients.contact      | patient:9 @uptown        | allow    | seed 000: Front Desk can view patient contact info
          manager@downtown + front_desk@uptown | appointments.check_in | appointment:7 @uptown    | allow    | seed 000: Front Desk can check in patients
          manager@north                        | patients.read         | patient:7 @downtown      | allow    | seed 000: Location managers report to regional managers (a region holds its clinics)
          manager@north                        | users.edit            | user:44 @uptown          | allow    | seed 000: Location managers report to regional managers (a region holds its clinics)
          manager@north                        | patients.read         | patient:10 @harbor       | deny     | seed 000: Manager at one region is not manager of another
          front_desk@north                     | appointments.check_in | appointment:7 @uptown    | allow    | seed 000: Front Desk by location, a region holds its clinics
        """)
    void aRoleHeldAtALocationHoldsThereAndBelowOnly(String role, String permission, String resource, String expected,
            String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }

    /** Seed 004: care teams are separate from roles; a manager runs the teams of their location. */
    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role                 | permission          | resource              | expected | why
          owner                | care_teams.delete   | careteam:5            | allow    | seed 000: Owner has full access to all features
          owner                | relationships.write | -                     | allow    | seed 000: Grant explicit patient access if needed (an admin or the clinic's application)
          manager@downtown     | care_teams.create   | careteam:5 @downtown  | allow    | seed 004: the clinic's manager forms its care teams
          manager@downtown     | care_teams.edit     | careteam:5 @downtown  | allow    | seed 004: reassign memberships to whoever's covering
          manager@downtown     | care_teams.edit     | careteam:6 @uptown    | deny     | another location's teams are not theirs
          manager@downtown     | care_teams.create   | careteam:7            | deny     | a team of the whole clinic is the owner's
          manager@downtown     | relationships.write | -                     | deny     | writing relationships is for admins and applications
          provider@downtown    | care_teams.read     | careteam:5 @downtown  | allow    | providers see the teams they may be in
          provider@downtown    | care_teams.edit     | careteam:5 @downtown  | deny     | a provider does not change teams
          front_desk@downtown  | care_teams.read     | careteam:5 @downtown  | deny     | the front desk has no clinical teams
        """)
    void careTeamsAreTheManagersAtTheirLocationAndProvidersReadThem(String role, String permission, String resource,
            String expected, String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }

    /** The manager's staff management at their location is in the manager's table. */
    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role                          | permission       | resource | expected | why
          owner                         | access.check     | -        | allow    | seed 000: Owner has full access to all features
          owner                         | locations.create | -        | allow    | seed 000: Owner assigns the locations users can access
          manager@downtown              | access.check     | -        | deny     | access.check is for applications, held by the Owner/Admin
          manager@downtown              | locations.create | -        | deny     | seed 000: Location Manager ... but not system-wide settings
          manager@downtown              | audit.export     | -        | deny     | seed 000: Settings > Activity Log is for Owner/Admin
          manager@downtown              | audit.purge      | -        | deny     | seed 000: Settings > Activity Log is for Owner/Admin
          front_desk@downtown           | users.read       | -        | deny     | seed 000: Front Desk has no staff management
          billing@downtown              | roles.read       | -        | deny     | seed 000: Billing has no staff management
          ai_assistant_handler@downtown | settings.read    | -        | deny     | seed 000: AI Assistant Handler is limited to assigned tasks
        """)
    void administrationStaysWithTheOwner(String role, String permission, String resource, String expected,
            String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }

    /** Temporary access (issue 13): who may lend a role and who may ask for one. */
    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # role                | permission        | resource               | expected | why
          manager@downtown    | roles.delegate    | role:manager @downtown | allow    | seed 000: an Acting Manager covers the manager at her location
          manager@downtown    | roles.delegate    | role:manager @uptown   | deny     | lends only where she holds her role
          manager@downtown    | roles.delegate    | role:manager           | deny     | not tenant-wide from one location
          front_desk@downtown | roles.delegate    | role:front_desk @downtown | deny  | staff below the manager do not lend their roles
          provider@downtown   | elevation.request | -                      | allow    | anyone on the staff may ask for a role for a while
          front_desk@downtown | elevation.request | -                      | allow    | anyone on the staff may ask for a role for a while
          front_desk@downtown | roles.assign      | -                      | deny     | asking is not approving: only who may give the role approves
        """)
    void temporaryAccess(String role, String permission, String resource, String expected, String why) {
        CLINIC.assertRow(role, permission, resource, expected, why);
    }
}
