package dev.gatehouse.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestTenants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V116 gives the built-in roles of tenants made before issue 13 the grants its packs added: a
 * tenant is put back into that state (the grants removed, one changed by its admin) and the
 * migration's statement is run again over it.
 */
class PackGrantsMigrationIT extends IntegrationTest {

    private static final List<String> ISSUE_13 = List.of("care_teams.*", "care_teams.read", "break_glass.open",
            "break_glass.review", "elevation.request", "roles.delegate", "relationships.read");

    @Autowired
    private JdbcClient jdbc;

    private List<String> grants(SignedInTenant tenant, String role) {
        return jdbc.sql("select permission || '@' || scope from role_grants where tenant_id = :t and role_key = :r"
                        + " order by permission")
                .param("t", UUID.fromString(tenant.id())).param("r", role).query(String.class).list();
    }

    private void runV116Grants() throws IOException {
        String script = new ClassPathResource("db/migration/V116__issue13_pack_grants.sql")
                .getContentAsString(StandardCharsets.UTF_8);
        int start = script.indexOf("insert into role_grants");
        String grants = script.substring(start, script.indexOf(";", start) + 1);
        jdbc.sql(grants).update();
    }

    @Test
    void builtInRolesOfOlderTenantsGainTheGrantsOfTheirPackAndKeepWhatTheirAdminsChose() throws IOException {
        SignedInTenant clinic = TestTenants.tenant("clinic").create(api, operatorToken());
        SignedInTenant desk = TestTenants.tenant("service-desk").create(api, operatorToken());
        List<String> manager = grants(clinic, "manager");
        List<String> provider = grants(clinic, "provider");
        List<String> agent = grants(desk, "agent");
        assertThat(manager).contains("care_teams.*@LOCATION", "break_glass.review@LOCATION", "roles.delegate@LOCATION");
        assertThat(provider).contains("break_glass.open@LOCATION", "care_teams.read@LOCATION");

        for (SignedInTenant tenant : List.of(clinic, desk)) {
            jdbc.sql("delete from role_grants where tenant_id = :t and permission in (:p)")
                    .param("t", UUID.fromString(tenant.id())).param("p", ISSUE_13).update();
        }
        jdbc.sql("insert into role_grants (tenant_id, role_key, position, permission, scope)"
                        + " values (:t, 'provider', 1000, 'break_glass.open', 'ASSIGNED')")
                .param("t", UUID.fromString(clinic.id())).update();
        assertThat(grants(clinic, "manager")).doesNotContain("care_teams.*@LOCATION");

        runV116Grants();
        runV116Grants();

        assertThat(grants(clinic, "manager")).as("as a new clinic's manager").containsExactlyElementsOf(manager);
        assertThat(grants(clinic, "provider")).as("the admin's narrower grant stays as set")
                .contains("break_glass.open@ASSIGNED").doesNotContain("break_glass.open@LOCATION")
                .contains("care_teams.read@LOCATION", "elevation.request@LOCATION");
        assertThat(grants(desk, "agent")).as("other packs alike").containsExactlyElementsOf(agent);
        assertThat(jdbc.sql("select count(*) from role_grants where tenant_id = :t and permission = 'care_teams.*'")
                .param("t", UUID.fromString(desk.id())).query(Integer.class).single())
                .as("a pack that has no such grant gets none").isZero();
    }
}
