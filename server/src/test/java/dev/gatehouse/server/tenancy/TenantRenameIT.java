package dev.gatehouse.server.tenancy;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code PATCH /api/v1/tenants/{tenant}} {@code {name}}: an operator with the platform pack's
 * {@code tenants.edit} renames a tenant (the slug stays), recorded in the tenant's own trail;
 * nobody else can, and nobody learns of another tenant by trying.
 */
class TenantRenameIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void anOperatorRenamesATenantAndItsAdminsSeeWhoDidIt() {
        String operator = operatorToken();
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");

        Response renamed = api.patch("/api/v1/tenants/" + clinic.slug(), operator, json("name", "  Riverside Clinic  "));

        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
        assertThat(renamed.text("/name")).isEqualTo("Riverside Clinic");
        assertThat(renamed.text("/slug")).isEqualTo(clinic.slug());
        assertThat(api.get("/api/v1/tenants/" + clinic.id(), clinic.adminToken()).text("/name"))
                .isEqualTo("Riverside Clinic");
        Response trail = api.get(clinic.path("/audit?action=TENANT_UPDATED"), clinic.adminToken());
        assertThat(trail.body().at("/items").size()).isEqualTo(1);
        assertThat(trail.body().at("/items/0/actor/username").asString()).isEqualTo(OPERATOR);
        assertThat(trail.body().at("/items/0/details/before/name").asString()).isEqualTo("Tenant " + clinic.slug());
        assertThat(trail.body().at("/items/0/details/after/name").asString()).isEqualTo("Riverside Clinic");
        // The same name again changes nothing and records nothing.
        assertThat(api.patch("/api/v1/tenants/" + clinic.slug(), operator, json("name", "Riverside Clinic")).status())
                .isEqualTo(200);
        assertThat(api.get(clinic.path("/audit?action=TENANT_UPDATED"), clinic.adminToken()).body().at("/items").size())
                .isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no body                      | ''                                   | name
            no name                      | {}                                   | name
            a blank name                 | {"name": "  "}                       | name
            a name that is a number      | {"name": 7}                          | name
            a name of 201 characters     | LONG                                 | name
            a control character          | {"name": "Bad\\u0007Name"}           | name
            the slug                     | {"name": "New", "slug": "new-slug"}  | slug
            no JSON                      | {"name":                             | body
            """)
    void badInputIsNamedAndChangesNothing(String why, String body, String field) {
        String operator = operatorToken();
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        String sent = body.equals("LONG") ? json("name", "x".repeat(201)) : body;

        Response refused = api.patch("/api/v1/tenants/" + clinic.slug(), operator, sent);

        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.text("/errors/0/field")).isEqualTo(field);
        assertThat(jdbc.sql("select name from tenants where id = :id").param("id", UUID.fromString(clinic.id()))
                .query(String.class).single()).isEqualTo("Tenant " + clinic.slug());
    }

    @Test
    void onlyAnOperatorWithTenantsEditRenamesAndNoOneLearnsOfAnotherTenant() {
        String operator = operatorToken();
        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        SignedInTenant other = SignedInTenant.create(api, operator, "rcm");
        String body = json("name", "Taken over");

        Response own = api.patch("/api/v1/tenants/" + clinic.slug(), clinic.adminToken(), body);
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.text("/detail")).contains("only platform operators");
        Response foreign = api.patch("/api/v1/tenants/" + other.slug(), clinic.adminToken(), body);
        Response unknown = api.patch("/api/v1/tenants/no-such-tenant-here", clinic.adminToken(), body);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(foreign.text("/detail")).isEqualTo(unknown.text("/detail").replace("no-such-tenant-here", other.slug()));
        Response read = api.get("/api/v1/tenants/" + other.slug(), clinic.adminToken());
        assertThat(read.status()).as("reading another tenant tells no more").isEqualTo(404);
        assertThat(read.text("/detail")).isEqualTo(api.get("/api/v1/tenants/no-such-tenant-here", clinic.adminToken())
                .text("/detail").replace("no-such-tenant-here", other.slug()));
        assertThat(api.patch("/api/v1/tenants/no-such-tenant-here", operator, body).status()).isEqualTo(404);
        assertThat(api.patch("/api/v1/tenants/platform", operator, body).status()).isEqualTo(403);

        // An operator without tenants.edit: refused, and the refusal is in the platform's trail.
        String name = "ops-none-" + UUID.randomUUID().toString().substring(0, 8);
        TestMembers.platformOperator(context, name, null, null);
        Response denied = api.patch("/api/v1/tenants/" + other.slug(), api.login("platform", name,
                TestMembers.PASSWORD), body);
        assertThat(denied.status()).as(denied.raw()).isEqualTo(403);
        assertThat(denied.text("/detail")).contains("tenants.edit");
        assertThat(jdbc.sql("select name from tenants where id = :id").param("id", UUID.fromString(other.id()))
                .query(String.class).single()).isEqualTo("Tenant " + other.slug());
    }
}
