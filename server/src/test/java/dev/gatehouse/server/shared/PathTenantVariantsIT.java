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
}
