package dev.gatehouse.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 16, "send a test alert": {@code POST …/alerts/test} raises a real alert of rule {@code test}
 * (trail, and mail to the admins as any alert), throttled per account with 429 and Retry-After; refused to a role
 * without settings.edit and to another tenant's admin.
 */
class TestAlertsIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aTestAlertIsRaisedAndAuditedAndTheFourthIsThrottled() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");

        Response sent = api.post(clinic.path("/alerts/test"), clinic.adminToken(), "{}");

        assertThat(sent.status()).as(sent.raw()).isEqualTo(201);
        UUID alert = UUID.fromString(sent.text("/alert"));
        assertThat(jdbc.sql("select rule from alerts where id = :id").param("id", alert).query(String.class).single())
                .isEqualTo(TestAlerts.RULE);
        assertThat(jdbc.sql("""
                        select count(*) from audit_events where tenant_id = :tenant
                          and action in ('ALERT_TEST_REQUESTED', 'ALERT_RAISED')
                        """)
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single()).isEqualTo(2);
        for (int i = 1; i < TestAlerts.PER_ACCOUNT; i++) {
            assertThat(api.post(clinic.path("/alerts/test"), clinic.adminToken(), "{}").status()).isEqualTo(201);
        }
        Response refused = api.post(clinic.path("/alerts/test"), clinic.adminToken(), "{}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.http().headers().firstValue("Retry-After")).isPresent();
        assertThat(jdbc.sql("select count(*) from alerts where tenant_id = :tenant and rule = 'test'")
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single())
                .isEqualTo(TestAlerts.PER_ACCOUNT);
    }

    @Test
    void frontDeskAndAnotherTenantsAdminAreRefused() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member desk = TestMembers.member("desk").holding("front_desk").create(api, clinic);

        assertThat(api.post(clinic.path("/alerts/test"), desk.token(), "{}").status()).isEqualTo(403);
        assertThat(api.post(clinic.path("/alerts/test"), other.adminToken(), "{}").status()).isIn(403, 404);
        assertThat(jdbc.sql("select count(*) from alerts where tenant_id = :tenant")
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single()).isZero();
    }
}
