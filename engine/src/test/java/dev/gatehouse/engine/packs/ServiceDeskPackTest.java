package dev.gatehouse.engine.packs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.PermissionKind;
import dev.gatehouse.engine.Permitted;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seed 003 (Service Vault users and permissions guide), sentence by sentence, against the
 * {@code service-desk} pack. The fixture's locations stand for customer accounts: {@code north} is
 * a parent account with the child accounts {@code downtown} and {@code uptown}; {@code harbor} is
 * an unrelated account.
 */
class ServiceDeskPackTest {

    private static final DecisionTable TABLE = new DecisionTable("service-desk");

    /** Every key seed 003 lists, in the order it lists them. */
    private static final List<String> SEED_KEYS = List.of(
            "tickets.view", "tickets.view.account", "tickets.view.all", "tickets.create", "tickets.assign",
            "tickets.manage", "timers.view", "timers.create", "timers.manage", "time.view", "time.approve",
            "billing.view", "billing.manage", "invoices.view", "invoices.manage", "admin.read", "admin.write",
            "system.configure", "users.manage",
            "widgets.dashboard.tickets", "widgets.dashboard.timers", "widgets.dashboard.time_entries",
            "widgets.dashboard.billing", "widgets.dashboard.accounts",
            "pages.tickets.list", "pages.tickets.manage", "pages.users.manage", "pages.billing.rates",
            "pages.reports.financial",
            "timers.act_as_agent", "tickets.act_as_agent", "time.act_as_agent", "billing.act_as_agent");

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role        | permission                 | resource                     | expected | why
        super_admin | system.configure           | -                            | allow    | seed 003 Super Admin: system configuration
        super_admin | users.manage               | -                            | allow    | seed 003 Super Admin: user management
        super_admin | admin.write                | -                            | allow    | seed 003 Super Admin: complete system access
        super_admin | tickets.view.all           | ticket:1 @harbor owner:other | allow    | seed 003 Super Admin: multi-account access
        super_admin | billing.manage             | -                            | allow    | seed 003 Super Admin: all functional permissions
        super_admin | invoices.manage            | -                            | allow    | seed 003 Super Admin: all functional permissions
        super_admin | widgets.dashboard.accounts | -                            | allow    | seed 003 Super Admin: all widget permissions
        super_admin | widgets.dashboard.billing  | -                            | allow    | seed 003 Super Admin: all widget permissions
        super_admin | pages.users.manage         | -                            | allow    | seed 003 Super Admin: all page permissions
        super_admin | pages.billing.rates        | -                            | allow    | seed 003 Super Admin: all page permissions
        super_admin | roles.assign               | -                            | allow    | seed 003 Super Admin: user management, role assignment included
        super_admin | audit.read                 | -                            | allow    | seed 003 Super Admin: complete system access
        """)
    void superAdminsHaveCompleteSystemAccess(String role, String permission, String resource, String expected,
            String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role        | permission                     | resource                | expected | why
        agent@north | tickets.assign                 | ticket:1 @downtown      | allow    | seed 003 Agent: ticket assignment
        agent@north | tickets.manage                 | ticket:1 @downtown      | allow    | seed 003 Agent: ticket management
        agent@north | tickets.view.account           | ticket:1 @uptown        | allow    | seed 003 Agent: account-scoped access, child accounts included
        agent@north | tickets.create                 | @downtown               | allow    | seed 003 Agent: ticket management
        agent@north | tickets.manage                 | ticket:2 @harbor        | deny     | seed 003 Agent: account-scoped access, not other accounts
        agent@north | tickets.view.account           | ticket:2 @harbor        | deny     | seed 003 account isolation: only authorized accounts
        agent       | tickets.view.all               | -                       | deny     | seed 003: viewing all tickets is an admin permission
        agent       | timers.create                  | timer:1 owner:me        | allow    | seed 003 Agent: timer creation and tracking
        agent       | timers.view                    | timer:1 owner:me        | allow    | seed 003 Agent: timer creation and tracking
        agent       | timers.view                    | timer:2 owner:other     | deny     | seed 003: timers.view is own timers
        agent       | timers.manage                  | -                       | deny     | seed 003: managing all timers is oversight (Manager)
        agent@north | time.view                      | time_entry:1 @downtown  | allow    | seed 003 Agent: time entry management
        agent@north | time.view                      | time_entry:2 @harbor    | deny     | seed 003 Agent: account-scoped access
        agent       | time.approve                   | -                       | deny     | seed 003 Manager: approval workflows are oversight
        agent@north | tickets.act_as_agent           | @downtown               | allow    | seed 003 agent permissions: ticket assignment and management
        agent@north | timers.act_as_agent            | @downtown               | allow    | seed 003 agent permissions: timer creation and assignment
        agent@north | time.act_as_agent              | @downtown               | allow    | seed 003 agent permissions: time entry creation and assignment
        agent@north | billing.act_as_agent           | @downtown               | allow    | seed 003 agent permissions: billing responsibility assignment
        agent@north | tickets.act_as_agent           | @harbor                 | deny     | seed 003 Agent: acts only for the accounts it serves
        agent       | billing.manage                 | -                       | deny     | seed 003: least privilege; billing rates are not service delivery
        agent       | invoices.manage                | -                       | deny     | seed 003: least privilege; invoices are not service delivery
        agent       | admin.write                    | -                       | deny     | seed 003: full admin access is the super admin's
        agent       | users.manage                   | -                       | deny     | seed 003: user management is the super admin's
        agent       | widgets.dashboard.tickets      | -                       | allow    | seed 003 Agent: sees the tickets widget
        agent       | widgets.dashboard.time_entries | -                       | allow    | seed 003 Agent: sees the time entries widget
        agent       | widgets.dashboard.billing      | -                       | deny     | seed 003: least privilege; no billing overview
        agent       | pages.tickets.manage           | -                       | allow    | seed 003 Agent: opens ticket management
        agent       | pages.users.manage             | -                       | deny     | seed 003: user management page is the super admin's
        agent       | pages.billing.rates            | -                       | deny     | seed 003: billing rate page is not service delivery
        """)
    void agentsDeliverServiceAtTheAccountsTheyServe(String role, String permission, String resource,
            String expected, String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role          | permission                 | resource                       | expected | why
        manager@north | tickets.view.account       | ticket:1 @downtown             | allow    | seed 003 Manager: account management and oversight
        manager@north | tickets.view.account       | ticket:2 @harbor               | deny     | seed 003 account isolation: only authorized accounts
        manager@north | tickets.assign             | ticket:1 @uptown               | allow    | seed 003 Manager: team oversight and management
        manager@north | timers.manage              | timer:3 @uptown owner:other    | allow    | seed 003 Manager: team oversight; timers.manage is all timers
        manager@north | time.approve               | time_entry:1 @downtown         | allow    | seed 003 Manager: approval workflows
        manager@north | time.approve               | time_entry:2 @harbor           | deny     | seed 003 account isolation: only authorized accounts
        manager       | billing.view               | -                              | allow    | seed 003 Manager: reporting access
        manager       | invoices.view              | -                              | allow    | seed 003 Manager: reporting access
        manager       | pages.reports.financial    | -                              | allow    | seed 003 Manager: reporting access
        manager       | widgets.dashboard.billing  | -                              | allow    | seed 003 Manager: reporting access
        manager       | widgets.dashboard.accounts | -                              | allow    | seed 003 Manager: account management
        manager       | admin.read                 | -                              | allow    | seed 003 Manager: oversight; read-only admin access
        manager       | admin.write                | -                              | deny     | seed 003: full admin access is the super admin's
        manager       | system.configure           | -                              | deny     | seed 003: system configuration is the super admin's
        manager       | users.manage               | -                              | deny     | seed 003: user management is the super admin's
        manager       | pages.users.manage         | -                              | deny     | seed 003: user management is the super admin's
        manager       | billing.manage             | -                              | deny     | seed 003 Manager: reports on billing, does not set rates
        manager       | pages.billing.rates        | -                              | deny     | seed 003 Manager: reports on billing, does not set rates
        manager       | invoices.manage            | -                              | deny     | seed 003 Manager: reports on invoices, does not issue them
        manager       | tickets.view.all           | -                              | deny     | seed 003: viewing all tickets is an admin permission
        manager       | tickets.act_as_agent       | -                              | deny     | seed 003 agent determination: agents deliver service, managers oversee
        """)
    void managersOverseeApproveAndReport(String role, String permission, String resource, String expected,
            String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role                  | permission                | resource                        | expected | why
        account_user@downtown | tickets.view              | ticket:1 owner:me               | allow    | seed 003: tickets.view is view own tickets
        account_user@downtown | tickets.view              | ticket:2 owner:other            | deny     | seed 003: tickets.view is own tickets only
        account_user@downtown | tickets.view              | ticket:2 @harbor owner:other    | deny     | seed 003: tickets.view is own tickets only
        account_user@downtown | tickets.view              | ticket:2 @downtown owner:other  | deny     | seed 003: tickets.view is own tickets; account tickets go through tickets.view.account
        account_user@downtown | tickets.view.account      | ticket:2 @downtown owner:other  | allow    | seed 003 Account User: limited account-scoped access
        account_user@downtown | tickets.view.account      | ticket:3 @harbor                | deny     | seed 003 account isolation: complete separation between accounts
        account_user@downtown | tickets.view.account      | ticket:4 @uptown                | deny     | seed 003 account isolation: a sibling account is another account
        account_user@north    | tickets.view.account      | ticket:5 @uptown                | allow    | seed 003 account hierarchy: a parent account reaches its child accounts
        account_user@downtown | tickets.view.all          | -                               | deny     | seed 003: viewing all tickets is an admin permission
        account_user@downtown | tickets.create            | @downtown                       | allow    | seed 003 Account User: ticket creation
        account_user@downtown | tickets.create            | @harbor                         | deny     | seed 003 Account User: only for their own account
        account_user@downtown | tickets.assign            | ticket:1 @downtown              | deny     | seed 003: assigning tickets to agents is agent work
        account_user@downtown | tickets.manage            | ticket:1 @downtown owner:me     | deny     | seed 003: full ticket management is agent work
        account_user@downtown | timers.create             | timer:1 owner:me                | allow    | seed 003 Account User: basic time tracking
        account_user@downtown | timers.view               | timer:1 owner:me                | allow    | seed 003 Account User: basic time tracking, own timers
        account_user@downtown | timers.view               | timer:2 owner:other             | deny     | seed 003: timers.view is own timers
        account_user@downtown | timers.manage             | -                               | deny     | seed 003: managing all timers is oversight
        account_user@downtown | time.approve              | -                               | deny     | seed 003: approvals are the manager's
        account_user@downtown | tickets.act_as_agent      | @downtown                       | deny     | seed 003 agent permissions: customers are not ticket agents
        account_user@downtown | timers.act_as_agent       | @downtown                       | deny     | seed 003 agent permissions: customers are not timer agents
        account_user@downtown | time.act_as_agent         | @downtown                       | deny     | seed 003 agent permissions: customers are not time entry agents
        account_user@downtown | billing.act_as_agent      | @downtown                       | deny     | seed 003 agent permissions: customers are not billing agents
        account_user@downtown | billing.view              | -                               | deny     | seed 003 Account User: limited access; billing rates are internal
        account_user@downtown | admin.read                | -                               | deny     | seed 003 Account User: limited access
        account_user@downtown | users.manage              | -                               | deny     | seed 003: user management is the super admin's
        account_user@downtown | widgets.dashboard.tickets | -                               | allow    | seed 003 Account User: self-service features
        account_user@downtown | widgets.dashboard.billing | -                               | deny     | seed 003 Account User: limited access
        account_user@downtown | pages.tickets.list        | -                               | allow    | seed 003 Account User: self-service features
        account_user@downtown | pages.tickets.manage      | -                               | deny     | seed 003: ticket management is agent work
        """)
    void accountUsersSeeTheirOwnAccountOnly(String role, String permission, String resource, String expected,
            String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role     | permission           | resource                  | expected | why
        employee | tickets.view         | ticket:1 owner:me         | allow    | seed 003 Employee: internal staff; tickets.view is own tickets
        employee | tickets.view         | ticket:2 owner:other      | deny     | seed 003 Employee: limited access
        employee | tickets.view.account | ticket:2 @downtown        | deny     | seed 003 Employee: limited access
        employee | tickets.create       | @downtown                 | allow    | seed 003 Employee: internal staff raise tickets
        employee | timers.create        | timer:1 owner:me          | allow    | seed 003 Employee: internal staff track their time
        employee | time.view            | time_entry:1 owner:me     | allow    | seed 003 Employee: their own time entries
        employee | time.view            | time_entry:2 owner:other  | deny     | seed 003 Employee: limited access
        employee | tickets.assign       | -                         | deny     | seed 003 Employee: limited access; assignment is agent work
        employee | tickets.manage       | -                         | deny     | seed 003 Employee: limited access
        employee | tickets.act_as_agent | -                         | deny     | seed 003 agent determination: employees are not agents
        employee | time.approve         | -                         | deny     | seed 003 Employee: limited access; approvals are the manager's
        employee | billing.view         | -                         | deny     | seed 003 Employee: limited access
        employee | admin.read           | -                         | deny     | seed 003 Employee: limited access
        employee | pages.tickets.manage | -                         | deny     | seed 003 Employee: limited access
        """)
    void employeesHaveLimitedAccess(String role, String permission, String resource, String expected, String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role                  | permission                | resource           | expected | why
        manager               | tickets.view.account      | ticket:1 @downtown | allow    | seed 003 key development pattern: functional permission
        manager               | widgets.dashboard.tickets | -                  | allow    | seed 003 key development pattern: widget permission, same check
        manager               | pages.tickets.manage      | -                  | allow    | seed 003 key development pattern: page permission, same check
        account_user@downtown | tickets.create            | @downtown          | allow    | seed 003 frontend checking: functional permission
        account_user@downtown | widgets.dashboard.tickets | -                  | allow    | seed 003 frontend checking: widget permission, same check
        account_user@downtown | pages.billing.rates       | -                  | deny     | seed 003 frontend checking: page permission, same check
        """)
    void oneCheckAnswersFunctionalWidgetAndPageKeysAlike(String role, String permission, String resource,
            String expected, String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @Test
    void loadsTheFiveUserTypesOfSeed003() {
        RolePack pack = RolePacks.builtIn("service-desk");

        assertThat(pack.roles()).extracting(Role::key)
                .containsExactly("super_admin", "agent", "manager", "account_user", "employee");
        assertThat(pack.role("super_admin")).get().extracting(Role::name).isEqualTo("Super Admin");
        assertThat(pack.role("account_user")).get().extracting(Role::name).isEqualTo("Account User");
        assertThat(pack.adminRole()).isEqualTo("super_admin");
        // seed 003 domain-based assignment: users arriving by e-mail domain are customers of that account
        assertThat(pack.defaultRole()).isEqualTo("account_user");
    }

    @Test
    void listsEverySeedKeyAsItsOwnPermissionOfTheRightKind() {
        RolePack pack = RolePacks.builtIn("service-desk");

        for (String key : SEED_KEYS) {
            assertThat(pack.catalog().contains(key)).as("catalog lists %s", key).isTrue();
        }
        // seed 003: three dimensions, told apart by prefix
        assertThat(kindOf(pack, "tickets.view.account")).isEqualTo(PermissionKind.FUNCTIONAL);
        assertThat(kindOf(pack, "widgets.dashboard.tickets")).isEqualTo(PermissionKind.WIDGET);
        assertThat(kindOf(pack, "pages.tickets.manage")).isEqualTo(PermissionKind.PAGE);
    }

    @Test
    void whoCanActAsTicketAgentListsAgentsAndNotAccountUsers() {
        TenantPolicy policy = TABLE.policy();
        List<Profile> population = List.of(
                profile(policy, "ana", Assignment.tenantWide("a1", "agent")),
                profile(policy, "ben", Assignment.at("a2", "agent", "north")),
                profile(policy, "cai", Assignment.at("a3", "account_user", "downtown")),
                profile(policy, "dee", Assignment.tenantWide("a4", "manager")),
                profile(policy, "eve", Assignment.tenantWide("a5", "employee")),
                profile(policy, "sam", Assignment.tenantWide("a6", "super_admin")));

        // seed 003: GET /api/users/assignable lists ticket agents through tickets.act_as_agent
        assertThat(policy.whoCan(population, "tickets.act_as_agent", null, DecisionTable.NOW))
                .extracting(Permitted::subjectId).containsExactly("ana", "ben", "sam");
        assertThat(policy.whoCan(population, "tickets.act_as_agent", "downtown", DecisionTable.NOW))
                .extracting(Permitted::subjectId).containsExactly("ana", "ben", "sam");
        // an agent held for the north accounts is not an agent for harbor
        assertThat(policy.whoCan(population, "tickets.act_as_agent", "harbor", DecisionTable.NOW))
                .extracting(Permitted::subjectId).containsExactly("ana", "sam");
        // seed 003: GET /api/users/agents?agent_type=timer uses timers.act_as_agent
        assertThat(policy.whoCan(population, "timers.act_as_agent", null, DecisionTable.NOW))
                .extracting(Permitted::subjectId).containsExactly("ana", "ben", "sam");
    }

    private static PermissionKind kindOf(RolePack pack, String key) {
        return pack.catalog().get(pack.catalog().idOf(key)).kind();
    }

    private static Profile profile(TenantPolicy policy, String id, Assignment assignment) {
        return policy.compile(Subject.active(id, assignment));
    }
}
