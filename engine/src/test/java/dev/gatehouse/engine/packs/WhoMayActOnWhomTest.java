package dev.gatehouse.engine.packs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.TenantPolicy;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Who may act on whom, for the four packs: every operation on another user's credentials,
 * identity or access × every caller role × every target role (issue 11, "the takeover matrix").
 * An operation is allowed when the caller holds its permission on the target (at every location
 * where the target holds a role, as the server asks) and covers the target: holds everything the
 * target holds, at least as widely ({@link TenantPolicy#covers}). A role change asks both at the
 * place of each of the target's assignments, with no escalation on the role.
 *
 * <p>Staff roles are held at {@code downtown}, admin roles tenant-wide; {@code north} is the region
 * above {@code downtown} and {@code uptown} (see {@link DecisionTable}). Columns: lifecycle = every
 * operation of {@link Operation} under {@code users.edit}; delete; roles = revoking each of the
 * target's roles (or handing them one where they hold it).
 */
class WhoMayActOnWhomTest {

    /** The operations of issue 11's "Why" and brief, with the permission each needs besides coverage. */
    enum Operation {
        RESET_PASSWORD_LINK("users.edit"),
        TEMPORARY_PASSWORD("users.edit"),
        CHANGE_EMAIL("users.edit"),
        CHANGE_USERNAME("users.edit"),
        LOCK("users.edit"),
        UNLOCK("users.edit"),
        DISABLE("users.edit"),
        ENABLE("users.edit"),
        END_ALL_SESSIONS("users.edit"),
        END_ONE_SESSION("users.edit"),
        RESET_SECOND_FACTOR("users.edit"),
        NEW_INVITATION_LINK("users.edit"),
        DELETE("users.delete"),
        CHANGE_ROLES("roles.assign");

        final String permission;

        Operation(String permission) {
            this.permission = permission;
        }
    }

    private static final Map<String, DecisionTable> PACKS = Map.of("clinic", new DecisionTable("clinic"), "rcm",
            new DecisionTable("rcm"), "booking", new DecisionTable("booking"), "service-desk",
            new DecisionTable("service-desk"));

    @ParameterizedTest(name = "{0} | {1} on {2} → lifecycle {3}, delete {4}, roles {5}: {6}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # pack         | caller                               | target                               | lifecycle | delete | roles | why
          clinic       | owner                                | owner                                | allow     | allow  | allow | holds everything (*): covers anyone
          clinic       | owner                                | manager@downtown                     | allow     | allow  | allow | holds everything (*): covers anyone
          clinic       | owner                                | provider@downtown                    | allow     | allow  | allow | holds everything (*): covers anyone
          clinic       | owner                                | front_desk@downtown                  | allow     | allow  | allow | holds everything (*): covers anyone
          clinic       | owner                                | billing@downtown                     | allow     | allow  | allow | holds everything (*): covers anyone
          clinic       | owner                                | inventory_manager@downtown           | allow     | allow  | allow | holds everything (*): covers anyone
          clinic       | owner                                | ai_assistant_handler@downtown        | allow     | allow  | allow | holds everything (*): covers anyone
          clinic       | manager@downtown                     | owner                                | deny      | deny   | deny  | the owner holds users.delete tenant-wide, which a manager does not
          clinic       | manager@downtown                     | manager@downtown                     | allow     | deny   | deny  | seed 000: manages staff at the location whose work she holds; cannot delete staff or change roles
          clinic       | manager@downtown                     | provider@downtown                    | deny      | deny   | deny  | a provider writes medical notes, which a manager does not: the owner manages providers
          clinic       | manager@downtown                     | front_desk@downtown                  | allow     | deny   | deny  | seed 000: manages staff at the location whose work she holds; cannot delete staff or change roles
          clinic       | manager@downtown                     | billing@downtown                     | deny      | deny   | deny  | billing pays out refunds, which a manager only approves: the owner manages billing staff
          clinic       | manager@downtown                     | inventory_manager@downtown           | allow     | deny   | deny  | seed 000: manages staff at the location whose work she holds; cannot delete staff or change roles
          clinic       | manager@downtown                     | ai_assistant_handler@downtown        | allow     | deny   | deny  | seed 000: manages staff at the location whose work she holds; cannot delete staff or change roles
          clinic       | provider@downtown                    | owner                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | provider@downtown                    | manager@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | provider@downtown                    | provider@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | provider@downtown                    | front_desk@downtown                  | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | provider@downtown                    | billing@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | provider@downtown                    | inventory_manager@downtown           | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | provider@downtown                    | ai_assistant_handler@downtown        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | front_desk@downtown                  | owner                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | front_desk@downtown                  | manager@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | front_desk@downtown                  | provider@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | front_desk@downtown                  | front_desk@downtown                  | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | front_desk@downtown                  | billing@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | front_desk@downtown                  | inventory_manager@downtown           | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | front_desk@downtown                  | ai_assistant_handler@downtown        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | billing@downtown                     | owner                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | billing@downtown                     | manager@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | billing@downtown                     | provider@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | billing@downtown                     | front_desk@downtown                  | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | billing@downtown                     | billing@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | billing@downtown                     | inventory_manager@downtown           | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | billing@downtown                     | ai_assistant_handler@downtown        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | inventory_manager@downtown           | owner                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | inventory_manager@downtown           | manager@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | inventory_manager@downtown           | provider@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | inventory_manager@downtown           | front_desk@downtown                  | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | inventory_manager@downtown           | billing@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | inventory_manager@downtown           | inventory_manager@downtown           | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | inventory_manager@downtown           | ai_assistant_handler@downtown        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | ai_assistant_handler@downtown        | owner                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | ai_assistant_handler@downtown        | manager@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | ai_assistant_handler@downtown        | provider@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | ai_assistant_handler@downtown        | front_desk@downtown                  | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | ai_assistant_handler@downtown        | billing@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | ai_assistant_handler@downtown        | inventory_manager@downtown           | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | ai_assistant_handler@downtown        | ai_assistant_handler@downtown        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | TENANT_ADMIN                         | TENANT_ADMIN                         | allow     | allow  | allow | holds everything (*): covers anyone
          rcm          | TENANT_ADMIN                         | BILLING_LEAD@downtown                | allow     | allow  | allow | holds everything (*): covers anyone
          rcm          | TENANT_ADMIN                         | BILLER@downtown                      | allow     | allow  | allow | holds everything (*): covers anyone
          rcm          | TENANT_ADMIN                         | RCM_ANALYST@downtown                 | allow     | allow  | allow | holds everything (*): covers anyone
          rcm          | TENANT_ADMIN                         | MEMBER_SERVICES@downtown             | allow     | allow  | allow | holds everything (*): covers anyone
          rcm          | TENANT_ADMIN                         | READONLY@downtown                    | allow     | allow  | allow | holds everything (*): covers anyone
          rcm          | BILLING_LEAD@downtown                | TENANT_ADMIN                         | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLING_LEAD@downtown                | BILLING_LEAD@downtown                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLING_LEAD@downtown                | BILLER@downtown                      | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLING_LEAD@downtown                | RCM_ANALYST@downtown                 | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLING_LEAD@downtown                | MEMBER_SERVICES@downtown             | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLING_LEAD@downtown                | READONLY@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLER@downtown                      | TENANT_ADMIN                         | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLER@downtown                      | BILLING_LEAD@downtown                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLER@downtown                      | BILLER@downtown                      | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLER@downtown                      | RCM_ANALYST@downtown                 | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLER@downtown                      | MEMBER_SERVICES@downtown             | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | BILLER@downtown                      | READONLY@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | RCM_ANALYST@downtown                 | TENANT_ADMIN                         | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | RCM_ANALYST@downtown                 | BILLING_LEAD@downtown                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | RCM_ANALYST@downtown                 | BILLER@downtown                      | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | RCM_ANALYST@downtown                 | RCM_ANALYST@downtown                 | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | RCM_ANALYST@downtown                 | MEMBER_SERVICES@downtown             | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | RCM_ANALYST@downtown                 | READONLY@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | MEMBER_SERVICES@downtown             | TENANT_ADMIN                         | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | MEMBER_SERVICES@downtown             | BILLING_LEAD@downtown                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | MEMBER_SERVICES@downtown             | BILLER@downtown                      | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | MEMBER_SERVICES@downtown             | RCM_ANALYST@downtown                 | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | MEMBER_SERVICES@downtown             | MEMBER_SERVICES@downtown             | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | MEMBER_SERVICES@downtown             | READONLY@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | READONLY@downtown                    | TENANT_ADMIN                         | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | READONLY@downtown                    | BILLING_LEAD@downtown                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | READONLY@downtown                    | BILLER@downtown                      | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | READONLY@downtown                    | RCM_ANALYST@downtown                 | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | READONLY@downtown                    | MEMBER_SERVICES@downtown             | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          rcm          | READONLY@downtown                    | READONLY@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | OWNER                                | OWNER                                | allow     | allow  | allow | holds everything (*): covers anyone
          booking      | OWNER                                | ADMIN@downtown                       | allow     | allow  | allow | holds everything (*): covers anyone
          booking      | OWNER                                | MANAGER@downtown                     | allow     | allow  | allow | holds everything (*): covers anyone
          booking      | OWNER                                | STAFF@downtown                       | allow     | allow  | allow | holds everything (*): covers anyone
          booking      | OWNER                                | PROVIDER@downtown                    | allow     | allow  | allow | holds everything (*): covers anyone
          booking      | OWNER                                | USER@downtown                        | allow     | allow  | allow | holds everything (*): covers anyone
          booking      | OWNER                                | GUEST@downtown                       | allow     | allow  | allow | holds everything (*): covers anyone
          booking      | ADMIN@downtown                       | OWNER                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | ADMIN@downtown                       | ADMIN@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | ADMIN@downtown                       | MANAGER@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | ADMIN@downtown                       | STAFF@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | ADMIN@downtown                       | PROVIDER@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | ADMIN@downtown                       | USER@downtown                        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | ADMIN@downtown                       | GUEST@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | MANAGER@downtown                     | OWNER                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | MANAGER@downtown                     | ADMIN@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | MANAGER@downtown                     | MANAGER@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | MANAGER@downtown                     | STAFF@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | MANAGER@downtown                     | PROVIDER@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | MANAGER@downtown                     | USER@downtown                        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | MANAGER@downtown                     | GUEST@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | STAFF@downtown                       | OWNER                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | STAFF@downtown                       | ADMIN@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | STAFF@downtown                       | MANAGER@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | STAFF@downtown                       | STAFF@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | STAFF@downtown                       | PROVIDER@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | STAFF@downtown                       | USER@downtown                        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | STAFF@downtown                       | GUEST@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | PROVIDER@downtown                    | OWNER                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | PROVIDER@downtown                    | ADMIN@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | PROVIDER@downtown                    | MANAGER@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | PROVIDER@downtown                    | STAFF@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | PROVIDER@downtown                    | PROVIDER@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | PROVIDER@downtown                    | USER@downtown                        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | PROVIDER@downtown                    | GUEST@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | USER@downtown                        | OWNER                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | USER@downtown                        | ADMIN@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | USER@downtown                        | MANAGER@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | USER@downtown                        | STAFF@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | USER@downtown                        | PROVIDER@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | USER@downtown                        | USER@downtown                        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | USER@downtown                        | GUEST@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | GUEST@downtown                       | OWNER                                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | GUEST@downtown                       | ADMIN@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | GUEST@downtown                       | MANAGER@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | GUEST@downtown                       | STAFF@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | GUEST@downtown                       | PROVIDER@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | GUEST@downtown                       | USER@downtown                        | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          booking      | GUEST@downtown                       | GUEST@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | super_admin                          | super_admin                          | allow     | allow  | allow | holds everything (*): covers anyone
          service-desk | super_admin                          | manager@downtown                     | allow     | allow  | allow | holds everything (*): covers anyone
          service-desk | super_admin                          | agent@downtown                       | allow     | allow  | allow | holds everything (*): covers anyone
          service-desk | super_admin                          | account_user@downtown                | allow     | allow  | allow | holds everything (*): covers anyone
          service-desk | super_admin                          | employee@downtown                    | allow     | allow  | allow | holds everything (*): covers anyone
          service-desk | manager@downtown                     | super_admin                          | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | manager@downtown                     | manager@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | manager@downtown                     | agent@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | manager@downtown                     | account_user@downtown                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | manager@downtown                     | employee@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | agent@downtown                       | super_admin                          | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | agent@downtown                       | manager@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | agent@downtown                       | agent@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | agent@downtown                       | account_user@downtown                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | agent@downtown                       | employee@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | account_user@downtown                | super_admin                          | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | account_user@downtown                | manager@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | account_user@downtown                | agent@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | account_user@downtown                | account_user@downtown                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | account_user@downtown                | employee@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | employee@downtown                    | super_admin                          | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | employee@downtown                    | manager@downtown                     | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | employee@downtown                    | agent@downtown                       | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | employee@downtown                    | account_user@downtown                | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          service-desk | employee@downtown                    | employee@downtown                    | deny      | deny   | deny  | no staff management (users.edit, users.delete, roles.assign)
          clinic       | manager@downtown                     | front_desk@uptown                    | deny      | deny   | deny  | seed 000: a location manager manages the staff of her location only
          clinic       | manager@north                        | front_desk@uptown                    | allow     | deny   | deny  | seed 000: location managers report to regional managers (a region holds its clinics)
          clinic       | manager@downtown                     | manager@north                        | deny      | deny   | deny  | a regional manager holds the whole region, which a location manager does not
          clinic       | manager@downtown                     | manager@downtown + front_desk@uptown | deny      | deny   | deny  | seed 000: Manager at A, Front Desk at B: B is not A's manager's to manage
          clinic       | manager@downtown + front_desk@uptown | front_desk@uptown                    | deny      | deny   | deny  | seed 000: Manager at A, Front Desk at B: holds what B's front desk holds, but manages staff at A only
        """)
    void mayActOnAnotherUserOnlyWhenHoldingEverythingTheyHold(String pack, String caller, String target,
            String lifecycle, String delete, String roles, String why) {
        for (Operation operation : Operation.values()) {
            String expected = switch (operation) {
                case DELETE -> delete;
                case CHANGE_ROLES -> roles;
                default -> lifecycle;
            };
            Decision decision = decide(PACKS.get(pack), caller, target, operation);
            assertThat(decision.allowed())
                    .as("%s | %s on %s | %s → %s (%s); engine says: %s", pack, caller, target, operation, expected,
                            why, decision.explain())
                    .isEqualTo(expected.equals("allow"));
        }
    }

    /** The table is exhaustive: every caller role on every target role of every pack has a row. */
    @Test
    void everyPairOfRolesOfEveryPackHasARow() throws Exception {
        CsvSource table = getClass().getDeclaredMethod("mayActOnAnotherUserOnlyWhenHoldingEverythingTheyHold",
                String.class, String.class, String.class, String.class, String.class, String.class, String.class)
                .getAnnotation(CsvSource.class);
        Set<String> rows = new HashSet<>();
        for (String line : table.textBlock().split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length > 3 && !line.strip().startsWith("#")) {
                rows.add(cells[0].strip() + "|" + bare(cells[1]) + "|" + bare(cells[2]));
            }
        }
        for (String pack : PACKS.keySet()) {
            for (Role caller : RolePacks.builtIn(pack).roles()) {
                for (Role target : RolePacks.builtIn(pack).roles()) {
                    assertThat(rows).as("%s: %s on %s", pack, caller.key(), target.key())
                            .contains(pack + "|" + caller.key() + "|" + target.key());
                }
            }
        }
    }

    private static String bare(String roles) {
        String role = roles.strip();
        return role.contains("@") ? role.substring(0, role.indexOf('@')) : role;
    }

    /** What the server asks for {@code operation}, from the engine. */
    private static Decision decide(DecisionTable table, String callerRoles, String targetRoles, Operation operation) {
        TenantPolicy policy = table.policy();
        Profile caller = policy.compile(DecisionTable.subject("caller", callerRoles));
        Profile target = policy.compile(DecisionTable.subject("target", targetRoles));
        if (operation == Operation.CHANGE_ROLES) {
            Decision decision = Decision.deny(new dev.gatehouse.engine.Reason.NoMatchingGrant(operation.permission));
            for (Assignment held : target.subject().assignments()) {
                decision = policy.check(caller, operation.permission,
                        Resource.of("role", held.role()).locatedAt(held.location()), DecisionTable.NOW);
                if (!decision.allowed()) {
                    return decision;
                }
                List<String> beyond = policy.grantsBeyond(caller, policy.flattenedGrants(held.role()),
                        held.location(), DecisionTable.NOW);
                if (!beyond.isEmpty()) {
                    return Decision.deny(new dev.gatehouse.engine.Reason.NoMatchingGrant(beyond.getFirst()));
                }
                // Location-bound: what the target holds where this role holds, not everything.
                decision = policy.covers(caller, target, DecisionTable.NOW, held.location());
                if (!decision.allowed()) {
                    return decision;
                }
            }
            return decision;
        }
        for (@Nullable String location : locations(target)) {
            Decision decision = policy.check(caller, operation.permission,
                    Resource.of("user", "target").locatedAt(location), DecisionTable.NOW);
            if (!decision.allowed()) {
                return decision;
            }
        }
        return policy.covers(caller, target, DecisionTable.NOW, null);
    }

    /** Where the target stands as a resource: each location of their roles, or nowhere (null) when one is tenant-wide. */
    private static List<@Nullable String> locations(Profile target) {
        List<@Nullable String> where = new java.util.ArrayList<>();
        for (Assignment held : target.subject().assignments()) {
            if (held.location() == null) {
                java.util.ArrayList<@Nullable String> nowhere = new java.util.ArrayList<>();
                nowhere.add(null);
                return nowhere;
            }
            where.add(held.location());
        }
        return where;
    }
}
