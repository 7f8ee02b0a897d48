package dev.gatehouse.engine.packs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Seed 002 (medical booking platform), sentence by sentence, against the {@code booking} pack. */
class BookingPackTest {

    private static final DecisionTable TABLE = new DecisionTable("booking");

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role    | permission                       | resource                   | expected | why
        GUEST   | providers.view_public            | provider:9 @harbor         | allow    | seed 002 §2.1: guests view public provider profiles
        GUEST   | services.search                  | -                          | allow    | seed 002 §2.2: guests search for services and providers
        GUEST   | bookings.create_as_guest         | @downtown                  | allow    | seed 002 §2.3: guests book without creating an account
        GUEST   | bookings.create                  | @downtown                  | deny     | seed 002 §2.4: booking as a registered user is an account feature
        GUEST   | profile.manage                   | -                          | deny     | seed 002 §2.4: no user account features
        GUEST   | bookings.manage                  | booking:3 owner:me         | deny     | seed 002 §2.4: no user account features
        GUEST   | bookings.history.read            | -                          | deny     | seed 002 §2.4: no user account features
        GUEST   | reviews.create                   | -                          | deny     | seed 002 §2.4: review submission is a USER feature (§3.1)
        GUEST   | communication_preferences.manage | -                          | deny     | seed 002 §2.4: no user account features
        GUEST   | MANAGE_BOOKINGS                  | -                          | deny     | seed 002 §2.4: no administrative functions
        GUEST   | users.read                       | -                          | deny     | seed 002 §2.4: no administrative functions
        GUEST   | roles.assign                     | -                          | deny     | seed 002 §2.4: no administrative functions
        GUEST   | organization.data.read           | record:1 @downtown         | deny     | seed 002 §2.4: no sensitive data
        GUEST   | organization.analytics.read      | -                          | deny     | seed 002 §2.4: no sensitive data
        GUEST   | audit.read                       | -                          | deny     | seed 002 §2.4: no sensitive data
        """)
    void guestsBrowseSearchAndBookButReachNothingElse(String role, String permission, String resource,
            String expected, String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role    | permission                       | resource                   | expected | why
        USER    | providers.view_public            | provider:9 @harbor         | allow    | seed 002 goal 2: higher roles inherit lower capabilities; USER inherits GUEST
        USER    | services.search                  | -                          | allow    | seed 002 goal 2: USER inherits GUEST
        USER    | bookings.create_as_guest         | @downtown                  | allow    | seed 002 goal 2: USER inherits GUEST
        USER    | profile.manage                   | profile:me owner:me        | allow    | seed 002 §3.1: profile management
        USER    | profile.manage                   | profile:7 owner:other      | deny     | seed 002 §3.1: a user manages their own profile only
        USER    | bookings.create                  | @downtown                  | allow    | seed 002 §3.1: booking creation
        USER    | bookings.manage                  | booking:3 owner:me         | allow    | seed 002 §3.1: booking management
        USER    | bookings.manage                  | booking:4 owner:other      | deny     | seed 002 §3.1: only their own bookings
        USER    | reviews.create                   | provider:9 @harbor         | allow    | seed 002 §3.1: review submission
        USER    | communication_preferences.manage | preferences:me owner:me    | allow    | seed 002 §3.1: communication preferences
        USER    | communication_preferences.manage | preferences:7 owner:other  | deny     | seed 002 §3.1: only their own preferences
        USER    | bookings.history.read            | history:me owner:me        | allow    | seed 002 §3.1: booking history
        USER    | bookings.history.read            | history:7 owner:other      | deny     | seed 002 §3.1: only their own history
        USER    | provider_profile.manage          | -                          | deny     | seed 002 §4.1: provider permissions need a ServiceProvider relationship
        USER    | availability.manage              | -                          | deny     | seed 002 §4.1: provider permissions need a ServiceProvider relationship
        USER    | MANAGE_BOOKINGS                  | booking:3 @downtown        | deny     | seed 002 §5: organization permissions need an organization role
        USER    | organization.data.read           | record:1 @downtown         | deny     | seed 002 §5.1: organization data is for organization members
        USER    | users.read                       | -                          | deny     | seed 002 §5.4: member management is the owner's
        """)
    void usersManageTheirOwnAccountAndBookings(String role, String permission, String resource, String expected,
            String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role     | permission                      | resource                       | expected | why
        PROVIDER | provider_profile.manage         | provider_profile:9 owner:me    | allow    | seed 002 §4.1: service provider profile management
        PROVIDER | provider_profile.manage         | provider_profile:8 owner:other | deny     | seed 002 §4.1: only their own provider profile
        PROVIDER | availability.manage             | availability:1 owner:me        | allow    | seed 002 §4.1: availability creation and management
        PROVIDER | availability.manage             | availability:2 owner:other     | deny     | seed 002 §4.1: only their own schedule
        PROVIDER | organization_connections.accept | connection:5 assignee:me       | allow    | seed 002 §4.1: organization connection acceptance
        PROVIDER | organization_connections.accept | connection:6 assignee:other    | deny     | seed 002 §4.1: only connections offered to them
        PROVIDER | availability_proposals.accept   | proposal:3 assignee:me         | allow    | seed 002 §4.1: availability proposal acceptance
        PROVIDER | availability_proposals.accept   | proposal:4 assignee:other      | deny     | seed 002 §4.1: only proposals addressed to them
        PROVIDER | availability_proposals.create   | proposal:new owner:me          | allow    | seed 002 §4.1: availability proposal creation
        PROVIDER | services.configure              | service:4 owner:me             | allow    | seed 002 §4.1: service configuration management
        PROVIDER | services.configure              | service:5 owner:other          | deny     | seed 002 §4.1: only their own services
        PROVIDER | calendar_integrations.manage    | calendar:1 owner:me            | allow    | seed 002 §4.1: calendar integration management
        PROVIDER | calendar_integrations.manage    | calendar:2 owner:other         | deny     | seed 002 §4.1: only their own calendars
        PROVIDER | MANAGE_PROVIDERS                | provider:9 @downtown           | deny     | seed 002 implementation note 1: provider and organization permissions are separate contexts
        PROVIDER | organization.data.read          | record:1 @downtown             | deny     | seed 002 implementation note 1: being a provider is not an organization membership
        """)
    void providersManageTheirOwnPractice(String role, String permission, String resource, String expected,
            String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role             | permission                    | resource                    | expected | why
        STAFF@downtown   | organization.access           | @downtown                   | allow    | seed 002 §5.1: basic operational access within their organization
        STAFF@downtown   | organization.access           | @harbor                     | allow    | seed 002 §5.1: within their organization, not only their location
        STAFF@downtown   | organization.data.read        | record:1 @downtown          | allow    | seed 002 §5.1: organization data they are authorized to see (where they work)
        STAFF@downtown   | organization.data.read        | record:3 @harbor assignee:me | allow   | seed 002 §5.1: organization data they are authorized to see (assigned to them)
        STAFF@downtown   | organization.data.read        | record:2 @harbor            | deny     | seed 002 §5.1: not data they are not authorized to see
        STAFF            | MANAGE_PROVIDERS              | -                           | deny     | seed 002 §5.2: managing providers starts at MANAGER
        STAFF            | MANAGE_BOOKINGS               | -                           | deny     | seed 002 §5.2: managing bookings starts at MANAGER
        STAFF            | MANAGE_LOCATIONS              | -                           | deny     | seed 002 §5.2: managing locations starts at MANAGER
        STAFF            | availability_proposals.create | -                           | deny     | seed 002 §5.2: proposals for providers start at MANAGER
        STAFF            | provider_invitations.send     | -                           | deny     | seed 002 §5.3: provider invitations are the organization admin's
        STAFF            | organization.analytics.read   | -                           | deny     | seed 002 §5.3: analytics are the organization admin's
        """)
    void staffHaveBasicOperationalAccess(String role, String permission, String resource, String expected,
            String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role             | permission                    | resource                      | expected | why
        MANAGER@downtown | organization.access           | @uptown                       | allow    | seed 002 §5.2: MANAGER inherits STAFF
        MANAGER@downtown | organization.data.read        | record:1 @downtown            | allow    | seed 002 §5.2: MANAGER inherits STAFF
        MANAGER@downtown | MANAGE_PROVIDERS              | provider:9 @downtown          | allow    | seed 002 §5.2: manages providers of their location
        MANAGER@downtown | MANAGE_PROVIDERS              | provider:10 @harbor assignee:me | allow  | seed 002 §5.2: manages providers assigned to them
        MANAGER@downtown | MANAGE_PROVIDERS              | provider:11 @harbor           | deny     | seed 002 §5.3: all providers is the organization admin's
        MANAGER@downtown | MANAGE_LOCATIONS              | @downtown                     | allow    | seed 002 §5.2: manages specific locations
        MANAGER@north    | MANAGE_LOCATIONS              | @uptown                       | allow    | seed 002 §5.2: a region's manager manages the locations inside it
        MANAGER@downtown | MANAGE_LOCATIONS              | @harbor                       | deny     | seed 002 §5.2: only the locations assigned to them
        MANAGER@downtown | MANAGE_BOOKINGS               | booking:3 @downtown           | allow    | seed 002 §5.2: manages bookings at their location
        MANAGER@downtown | MANAGE_BOOKINGS               | booking:4 @harbor assignee:me | allow    | seed 002 §5.2: manages bookings for assigned providers
        MANAGER@downtown | MANAGE_BOOKINGS               | booking:5 @harbor             | deny     | seed 002 §5.3: all bookings is the organization admin's
        MANAGER@downtown | availability_proposals.create | provider:10 @harbor assignee:me | allow  | seed 002 §5.2: creates availability proposals for assigned providers
        MANAGER@downtown | availability_proposals.create | provider:11 @harbor           | deny     | seed 002 §5.2: not for providers outside their responsibility
        MANAGER          | provider_invitations.send     | -                             | deny     | seed 002 §5.3: provider invitations are the organization admin's
        MANAGER          | locations.create              | -                             | deny     | seed 002 §5.3: managing the organization's locations is the admin's
        MANAGER          | organization.analytics.read   | -                             | deny     | seed 002 §5.3: analytics are the organization admin's
        MANAGER          | billing.manage                | -                             | deny     | seed 002 §5.4: billing is the owner's
        """)
    void managersManageOnlyTheirLocationsAndAssignedProviders(String role, String permission, String resource,
            String expected, String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role           | permission                    | resource            | expected | why
        ADMIN          | organization.access           | @harbor             | allow    | seed 002 §5.3: ADMIN inherits MANAGER (and STAFF)
        ADMIN          | organization.data.read        | record:2 @harbor    | allow    | seed 002 §5.3: operational control over the whole organization
        ADMIN          | MANAGE_PROVIDERS              | provider:11 @harbor | allow    | seed 002 §5.3: manages all providers within the organization
        ADMIN          | MANAGE_BOOKINGS               | booking:5 @harbor   | allow    | seed 002 §5.3: manages all bookings within the organization
        ADMIN@downtown | MANAGE_BOOKINGS               | booking:5 @harbor   | allow    | seed 002 §5.3: all bookings, wherever the admin role is held
        ADMIN          | availability_proposals.create | provider:11 @harbor | allow    | seed 002 §5.3: control over all providers, their proposals included
        ADMIN          | provider_invitations.send     | -                   | allow    | seed 002 §5.3: sends provider invitations
        ADMIN          | MANAGE_LOCATIONS              | @harbor             | allow    | seed 002 §5.3: manages organization locations
        ADMIN          | locations.create              | -                   | allow    | seed 002 §5.3: manages organization locations
        ADMIN          | locations.edit                | @harbor             | allow    | seed 002 §5.3: manages organization locations
        ADMIN          | locations.delete              | @uptown             | allow    | seed 002 §5.3: manages organization locations
        ADMIN          | organization.analytics.read   | -                   | allow    | seed 002 §5.3: accesses organization analytics
        ADMIN          | billing.manage                | -                   | deny     | seed 002 §5.4: billing is the owner's
        ADMIN          | subscription.manage           | -                   | deny     | seed 002 §5.4: the subscription is the owner's
        ADMIN          | organization.members.manage   | -                   | deny     | seed 002 §5.4: member management is the owner's
        ADMIN          | users.create                  | -                   | deny     | seed 002 §5.4: member management is the owner's
        ADMIN          | roles.assign                  | -                   | deny     | seed 002 §5.4: member management is the owner's
        ADMIN          | organization.settings.manage  | -                   | deny     | seed 002 §5.4: settings configuration is the owner's
        ADMIN          | settings.edit                 | -                   | deny     | seed 002 §5.4: settings configuration is the owner's
        """)
    void organizationAdminsRunTheWholeOrganizationButNotItsBillingOrMembers(String role, String permission,
            String resource, String expected, String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role  | permission                    | resource                | expected | why
        OWNER | organization.access           | @harbor                 | allow    | seed 002 §5.4: OWNER inherits ADMIN, MANAGER and STAFF
        OWNER | organization.data.read        | record:2 @harbor        | allow    | seed 002 §5.4: OWNER inherits ADMIN
        OWNER | MANAGE_PROVIDERS              | provider:11 @harbor     | allow    | seed 002 §5.4: OWNER inherits ADMIN
        OWNER | MANAGE_BOOKINGS               | booking:5 @harbor       | allow    | seed 002 §5.4: OWNER inherits ADMIN
        OWNER | MANAGE_LOCATIONS              | @harbor                 | allow    | seed 002 §5.4: OWNER inherits ADMIN
        OWNER | availability_proposals.create | provider:11 @harbor     | allow    | seed 002 §5.4: OWNER inherits MANAGER
        OWNER | provider_invitations.send     | -                       | allow    | seed 002 §5.4: OWNER inherits ADMIN
        OWNER | organization.analytics.read   | -                       | allow    | seed 002 §5.4: OWNER inherits ADMIN
        OWNER | billing.manage                | -                       | allow    | seed 002 §5.4: billing management
        OWNER | subscription.manage           | -                       | allow    | seed 002 §5.4: subscription management
        OWNER | organization.members.manage   | -                       | allow    | seed 002 §5.4: organization member management
        OWNER | users.create                  | -                       | allow    | seed 002 §5.4: organization member management
        OWNER | users.delete                  | -                       | allow    | seed 002 §5.4: organization member management
        OWNER | roles.assign                  | -                       | allow    | seed 002 §5.4, §8.3: organization member management and role assignment
        OWNER | organization.settings.manage  | -                       | allow    | seed 002 §5.4: organization settings configuration
        OWNER | settings.edit                 | -                       | allow    | seed 002 §5.4: organization settings configuration
        OWNER | audit.read                    | -                       | allow    | seed 002 §5.4: full organizational control
        """)
    void ownersHaveFullOrganizationalControl(String role, String permission, String resource, String expected,
            String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role                                | permission                    | resource                        | expected | why
        USER + PROVIDER                     | profile.manage                | profile:me owner:me             | allow    | seed 002 §6.1: a provider keeps their user permissions
        USER + PROVIDER                     | bookings.manage               | booking:3 owner:me              | allow    | seed 002 §6.1: a provider keeps their user permissions
        USER + PROVIDER                     | availability.manage           | availability:1 owner:me         | allow    | seed 002 §6.1: a user keeps their provider permissions
        USER + PROVIDER                     | MANAGE_BOOKINGS               | booking:3 @downtown             | deny     | seed 002 §6.1: neither context manages the organization
        USER + STAFF@downtown               | bookings.history.read         | history:me owner:me             | allow    | seed 002 §6.1: user-level and organization-level roles at once
        USER + STAFF@downtown               | organization.data.read        | record:1 @downtown              | allow    | seed 002 §6.1: user-level and organization-level roles at once
        USER + STAFF@downtown               | bookings.manage               | booking:4 @downtown owner:other | deny     | seed 002 §6.3: no role of theirs manages bookings of others
        STAFF@downtown + MANAGER@harbor     | MANAGE_BOOKINGS               | booking:5 @harbor               | allow    | seed 002 §6.2: at harbor the highest applicable role is MANAGER
        STAFF@downtown + MANAGER@harbor     | MANAGE_BOOKINGS               | booking:3 @downtown             | deny     | seed 002 §6.2: at downtown only STAFF applies
        USER + PROVIDER + MANAGER@downtown  | availability_proposals.create | provider:11 @downtown           | allow    | seed 002 §6.3: the most permissive role (MANAGER) wins over PROVIDER
        USER + PROVIDER                     | availability_proposals.create | proposal:9 @downtown owner:other | deny    | seed 002 §4.1: a provider alone proposes only for themselves
        """)
    void severalRolesTakeTheMostPermissiveAnswer(String role, String permission, String resource, String expected,
            String why) {
        TABLE.assertRow(role, permission, resource, expected, why);
    }

    @Test
    void loadsTheSevenRolesOfSeed002() {
        RolePack pack = RolePacks.builtIn("booking");

        assertThat(pack.roles()).extracting(Role::key)
                .containsExactly("GUEST", "USER", "PROVIDER", "STAFF", "MANAGER", "ADMIN", "OWNER");
        assertThat(pack.adminRole()).isEqualTo("OWNER");
        // seed 002 §8.1: USER is assigned automatically on registration
        assertThat(pack.defaultRole()).isEqualTo("USER");
        assertThat(pack.catalog().contains("MANAGE_PROVIDERS")).isTrue();
        assertThat(pack.catalog().contains("MANAGE_BOOKINGS")).isTrue();
        assertThat(pack.catalog().contains("MANAGE_LOCATIONS")).isTrue();
    }

    @Test
    void leavesPlatformAdministratorsOutOfThePack() {
        RolePack pack = RolePacks.builtIn("booking");

        // seed 002 §8.4 and docs/access-model.md: platform ADMIN and SUPER_ADMIN live outside tenants
        assertThat(pack.role("SUPER_ADMIN")).isEmpty();
        assertThat(pack.role("ADMIN")).get().extracting(Role::inherits).isEqualTo(List.of("MANAGER"));
    }

    @Test
    void inheritsAlongSeed002sHierarchy() {
        RolePack pack = RolePacks.builtIn("booking");

        // seed 002 §1.1: OWNER > ADMIN > MANAGER > STAFF; goal 2: USER inherits GUEST
        assertThat(pack.role("USER")).get().extracting(Role::inherits).isEqualTo(List.of("GUEST"));
        assertThat(pack.role("MANAGER")).get().extracting(Role::inherits).isEqualTo(List.of("STAFF"));
        assertThat(pack.role("OWNER")).get().extracting(Role::inherits).isEqualTo(List.of("ADMIN"));
        assertThat(pack.role("PROVIDER")).get().extracting(Role::inherits).isEqualTo(List.of());
        assertThat(pack.role("STAFF")).get().extracting(Role::inherits).isEqualTo(List.of());
    }

    @Test
    void eachHigherRoleHoldsEverythingOfTheRoleBelowAtLeastAsWidely() {
        // seed 002 §1.1 and goal 2: higher roles inherit permissions from lower roles
        List<List<String>> higherOverLower = List.of(
                List.of("USER", "GUEST"), List.of("MANAGER", "STAFF"), List.of("ADMIN", "MANAGER"),
                List.of("OWNER", "ADMIN"), List.of("OWNER", "STAFF"));
        for (List<String> pair : higherOverLower) {
            Map<String, EffectivePermission> higher = effective(pair.get(0));
            for (EffectivePermission lower : effective(pair.get(1)).values()) {
                assertThat(higher).as("%s holds what %s holds", pair.get(0), pair.get(1))
                        .containsKey(lower.permission());
                assertThat(higher.get(lower.permission()).scope().includes(lower.scope()))
                        .as("%s holds %s at least as widely as %s", pair.get(0), lower.permission(), pair.get(1))
                        .isTrue();
            }
        }
    }

    private static Map<String, EffectivePermission> effective(String role) {
        TenantPolicy policy = TABLE.policy();
        Profile profile = policy.compile(Subject.active(DecisionTable.ME, Assignment.tenantWide("a", role)));
        return policy.effectivePermissions(profile, DecisionTable.NOW, null).stream()
                .collect(Collectors.toMap(EffectivePermission::permission, Function.identity()));
    }
}
