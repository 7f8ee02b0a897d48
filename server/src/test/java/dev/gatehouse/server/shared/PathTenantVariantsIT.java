package dev.gatehouse.server.shared;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 11: every variant of the one resolver of a path's {@code {tenant}} ({@link PathTenant.For}),
 * through a path of each: what the clinic's admin, and a platform operator, reach by naming the clinic,
 * another tenant by its id, a tenant that does not exist, a suspended tenant and the platform. Every
 * refusal is the same 404 an unknown tenant gets, naming only what the path said.
 */
class PathTenantVariantsIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    private String operator;
    private SignedInTenant clinic;
    private SignedInTenant other;
    private SignedInTenant suspended;
    private String platformId;

    @BeforeEach
    void tenants() {
        operator = operatorToken();
        clinic = SignedInTenant.create(api, operator, "clinic");
        other = SignedInTenant.create(api, operator, "clinic");
        suspended = SignedInTenant.create(api, operator, "clinic");
        Response suspending = api.patch("/api/v1/tenants/" + suspended.slug(), operator,
                json("status", "SUSPENDED", "reason", "unpaid invoice"));
        assertThat(suspending.status()).as(suspending.raw()).isEqualTo(200);
        platformId = jdbc.sql("select id::text from tenants where slug = 'platform'").query(String.class).single();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            variant  | caller   | named        | expected | why
            MEMBER   | member   | clinic slug  | 200      | their own tenant
            MEMBER   | member   | clinic id    | 200      | their own tenant by its id
            MEMBER   | member   | other id     | 404      | another tenant answers as an unknown one
            MEMBER   | member   | unknown      | 404      | no such tenant
            MEMBER   | member   | suspended id | 404      | another tenant, suspended or not
            MEMBER   | member   | platform     | 404      | the platform is no member's tenant
            MEMBER   | operator | clinic slug  | 404      | operators reach no tenant's member paths
            MEMBER   | operator | platform     | 404      | nor the platform's own
            TRAIL    | member   | clinic slug  | 200      | their own trail
            TRAIL    | member   | other id     | 404      | another tenant's trail answers as an unknown one
            TRAIL    | member   | unknown      | 404      | no such tenant
            TRAIL    | member   | suspended id | 404      | another tenant, suspended or not
            TRAIL    | operator | platform     | 200      | the platform's own trail is the operators'
            TRAIL    | operator | platform id  | 200      | and by its id
            TRAIL    | operator | clinic slug  | 404      | a tenant's trail is its members'
            TRAIL    | operator | suspended id | 404      | a suspended tenant's too
            OPERATOR | operator | clinic slug  | 200      | an operator acts in any tenant
            OPERATOR | operator | clinic id    | 200      | named by its id
            OPERATOR | operator | suspended id | 200      | a suspended one too: its overrides are listed
            OPERATOR | operator | unknown      | 404      | no such tenant
            OPERATOR | member   | clinic slug  | 200      | a member's own tenant: its overrides, with audit.read
            OPERATOR | member   | other id     | 404      | another tenant answers as an unknown one
            OPERATOR | member   | suspended id | 404      | another tenant, suspended or not
            OPERATOR | member   | unknown      | 404      | no such tenant
            """, useHeadersInDisplayName = true, quoteCharacter = '"')
    void theVariantDecidesWhichTenantsAPathMayName(String variant, String caller, String named, int expected,
            String why) {
        String tenant = switch (named) {
            case "clinic slug" -> clinic.slug();
            case "clinic id" -> clinic.id();
            case "other id" -> other.id();
            case "suspended id" -> suspended.id();
            case "unknown" -> "no-such-tenant-here";
            case "platform" -> "platform";
            case "platform id" -> platformId;
            default -> throw new IllegalArgumentException(named);
        };
        String path = "/api/v1/tenants/" + tenant + switch (variant) {
            case "MEMBER" -> "/locations";
            case "TRAIL" -> "/audit/verify";
            case "OPERATOR" -> "/overrides";
            default -> throw new IllegalArgumentException(variant);
        };
        String token = caller.equals("operator") ? operator : clinic.adminToken();

        Response answer = api.get(path, token);

        assertThat(answer.status()).as(why + ": " + answer.raw()).isEqualTo(expected);
        if (expected == 404) {
            assertThat(answer.text("/detail")).as("nothing but what the path said").isEqualTo("tenant " + tenant
                    + " does not exist");
        }
    }

    /**
     * The paths moved onto the resolver in issue 11's second round: a tenant's own record (the lifecycle,
     * {@code For.OPERATOR}) and leaving a membership ({@code For.MEMBERSHIP}, a person's other
     * organisations). Every refusal is still the path's own 404, naming only what the path said.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            path       | caller   | named        | expected | why
            lifecycle  | member   | clinic slug  | 200      | a member reads their own tenant
            lifecycle  | member   | clinic id    | 200      | named by its id
            lifecycle  | member   | other id     | 404      | another tenant answers as an unknown one
            lifecycle  | member   | unknown      | 404      | no such tenant
            lifecycle  | member   | suspended id | 404      | another tenant, suspended or not
            lifecycle  | member   | platform     | 404      | the platform is no member's tenant
            lifecycle  | operator | clinic slug  | 200      | an operator reads any tenant
            lifecycle  | operator | clinic id    | 200      | named by its id
            lifecycle  | operator | suspended id | 200      | a suspended one too
            lifecycle  | operator | platform     | 200      | and the platform's own
            lifecycle  | operator | unknown      | 404      | no such tenant
            edit       | member   | clinic slug  | 403      | a member naming their own tenant is told only operators manage it
            edit       | member   | other id     | 404      | another tenant answers as an unknown one
            edit       | member   | unknown      | 404      | no such tenant
            edit       | member   | suspended id | 404      | another tenant, suspended or not
            edit       | operator | platform     | 403      | the platform's own is not changed through the API
            edit       | operator | unknown      | 404      | no such tenant
            delete     | member   | clinic slug  | 403      | a member naming their own tenant is told only operators manage it
            delete     | member   | other id     | 404      | another tenant answers as an unknown one
            delete     | member   | unknown      | 404      | no such tenant
            delete     | operator | clinic slug  | 409      | an operator reaches it; it is not suspended
            delete     | operator | unknown      | 404      | no such tenant
            membership | member   | clinic slug  | 409      | their home organisation: told plainly
            membership | member   | clinic id    | 409      | named by its id
            membership | member   | other id     | 404      | no membership there answers as an unknown tenant
            membership | member   | other slug   | 404      | by its slug too
            membership | member   | unknown      | 404      | no such tenant
            membership | member   | suspended id | 404      | a suspended one, membership or not, alike
            membership | member   | platform     | 404      | the platform is no member's organisation
            membership | operator | clinic slug  | 404      | an operator holds no membership
            membership | operator | platform     | 409      | the operators' home organisation
            """, useHeadersInDisplayName = true, quoteCharacter = '"')
    void tenantRecordsAndMembershipsNameOnlyTheTenantsTheirVariantLetsIn(String path, String caller, String named,
            int expected, String why) {
        String tenant = switch (named) {
            case "clinic slug" -> clinic.slug();
            case "clinic id" -> clinic.id();
            case "other id" -> other.id();
            case "other slug" -> other.slug();
            case "suspended id" -> suspended.id();
            case "unknown" -> "no-such-tenant-here";
            case "platform" -> "platform";
            default -> throw new IllegalArgumentException(named);
        };
        String token = caller.equals("operator") ? operator : clinic.adminToken();

        Response answer = switch (path) {
            case "lifecycle" -> api.get("/api/v1/tenants/" + tenant, token);
            case "edit" -> api.patch("/api/v1/tenants/" + tenant, token, json("name", "Renamed"));
            case "delete" -> api.delete("/api/v1/tenants/" + tenant, token);
            case "membership" -> api.delete("/api/v1/me/memberships/" + tenant, token);
            default -> throw new IllegalArgumentException(path);
        };

        assertThat(answer.status()).as(why + ": " + answer.raw()).isEqualTo(expected);
        if (expected == 404) {
            assertThat(answer.text("/detail")).as("nothing but what the path said")
                    .isEqualTo((path.equals("membership") ? "membership in " : "tenant ") + tenant + " does not exist");
        }
        if (path.equals("lifecycle") && expected == 200) {
            assertThat(answer.text("/slug")).as("the tenant named").isEqualTo(switch (named) {
                case "clinic slug", "clinic id" -> clinic.slug();
                case "suspended id" -> suspended.slug();
                default -> "platform";
            });
        }
        if (path.equals("edit")) {
            assertThat(api.get("/api/v1/tenants/" + clinic.slug(), operator).text("/name")).as("nothing renamed")
                    .isNotEqualTo("Renamed");
        }
    }
}
