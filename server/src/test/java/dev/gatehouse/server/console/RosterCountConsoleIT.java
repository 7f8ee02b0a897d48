package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Settings › Users of a tenant beyond the list's count (issue 17): "10,000+ users", and the next page offered. */
class RosterCountConsoleIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aRosterBeyondTheCountShowsTenThousandPlus() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        jdbc.sql("""
                        insert into users (tenant_id, id, username, username_normalized, first_name, last_name, kind, status)
                        select cast(:tenant as uuid), gen_random_uuid(), 'svc-' || n, 'svc-' || n, 'Generated', 'Number ' || n,
                               'SERVICE', 'ACTIVE'
                        from generate_series(1, 10005) as n""")
                .param("tenant", UUID.fromString(clinic.id())).update();
        ConsoleClient admin = new ConsoleClient(port());
        admin.signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        String page = admin.get("/console/users").body();

        assertThat(page).contains("10,000+ users").doesNotContain("10001 users").contains(">Next<");
        assertThat(page).containsPattern("Page 1 of \\d+\\+");
    }
}
