package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.Attention;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 16: the home page's "Dormant accounts" card follows the tenant's inactivity rule (its days, said
 * on the card; 90 without one), and each account card stops counting at 10,000 and says "10,000+".
 */
class AccountsAttentionIT extends IntegrationTest {

    @Autowired
    private AccountsAttention attention;
    @Autowired
    private JdbcClient jdbc;

    private static Caller admin(SignedInTenant clinic) {
        return new Caller(new TenantId(UUID.fromString(clinic.id())), clinic.slug(), UUID.fromString(clinic.adminId()),
                SignedInTenant.ADMIN, UUID.randomUUID(), List.of());
    }

    private Attention.Card card(SignedInTenant clinic, String id) {
        return attention.cardsFor(admin(clinic), Instant.now()).stream().filter(card -> card.id().equals(id))
                .findFirst().orElseThrow();
    }

    private void lastSignIn(SignedInTenant clinic, String user, int daysAgo) {
        jdbc.sql("update users set last_sign_in_at = :at where tenant_id = :t and id = :u")
                .param("at", Instant.now().minus(daysAgo, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC))
                .param("t", UUID.fromString(clinic.id())).param("u", UUID.fromString(user)).update();
    }

    @Test
    void dormantMeansTheTenantsInactivityDaysWhenSetAnd90Otherwise() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member idle = TestMembers.member("idle").holding("front_desk").create(api, clinic);
        TestMembers.Member away = TestMembers.member("away").holding("front_desk").create(api, clinic);
        lastSignIn(clinic, clinic.adminId(), 0);
        lastSignIn(clinic, idle.id(), 45);
        lastSignIn(clinic, away.id(), 120);

        Attention.Card fixed = card(clinic, "dormant-accounts");
        assertThat(fixed.count()).as("only away: 120 days").isEqualTo(1);
        assertThat(fixed.hint()).contains("for 90 days");

        Response rule = api.patch(clinic.path("/settings"), clinic.adminToken(), json("inactivityDisableDays", 30));
        assertThat(rule.status()).as(rule.raw()).isEqualTo(200);
        Attention.Card tenants = card(clinic, "dormant-accounts");
        assertThat(tenants.count()).as("idle (45 days) and away (120 days) against 30").isEqualTo(2);
        assertThat(tenants.hint()).contains("for 30 days");
        assertThat(tenants.shownCount()).isEqualTo("2");
    }

    @Test
    void aCardStopsCountingAt10000AndSaysSo() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        jdbc.sql("""
                        insert into users (tenant_id, id, username, username_normalized, email, email_normalized,
                                           first_name, last_name, status)
                        select :t, gen_random_uuid(), 'invitee' || n, 'invitee' || n, 'invitee' || n || '@x.example',
                               'invitee' || n || '@x.example', 'In', 'Vitee', 'INVITED'
                        from generate_series(1, :n) n
                        """)
                .param("t", UUID.fromString(clinic.id())).param("n", Roster.COUNTED_AT_MOST).update();

        Attention.Card exactly = card(clinic, "pending-invitations");
        assertThat(exactly.countIsLowerBound()).isFalse();
        assertThat(exactly.shownCount()).isEqualTo("10000");

        jdbc.sql("""
                        insert into users (tenant_id, id, username, username_normalized, first_name, last_name, status)
                        values (:t, gen_random_uuid(), 'one.more', 'one.more', 'One', 'More', 'INVITED')
                        """).param("t", UUID.fromString(clinic.id())).update();

        Attention.Card capped = card(clinic, "pending-invitations");
        assertThat(capped.countIsLowerBound()).isTrue();
        assertThat(capped.count()).isEqualTo(Roster.COUNTED_AT_MOST);
        assertThat(capped.shownCount()).isEqualTo("10,000+");
    }
}
