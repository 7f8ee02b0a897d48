package dev.gatehouse.server.signup;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The approvers' mail about waiting registrations and role requests (issue 16): to those who may
 * approve, through the outbox, at most one per interval per tenant however many requests come in.
 */
class ApprovalNoticesIT extends IntegrationTest {

    @Autowired
    private ApprovalNotices notices;
    @Autowired
    private JdbcClient jdbc;

    private List<String> notices(SignedInTenant tenant, String recipient) {
        return QueuedMail.in(context).bodies("tenant_id = :tenant and recipient = :recipient"
                        + " and kind = 'NOTICE' and subject like 'Requests wait for approval%'",
                Map.of("tenant", UUID.fromString(tenant.id()), "recipient", recipient));
    }

    @Test
    void aFloodOfRequestsMailsEachApproverOnceAndTheRestInOneDigestAfterTheInterval() {
        SignedInTenant booking = TestTenants.tenant("booking").withAdminEmail().create(api, operatorToken());
        String admin = SignedInTenant.ADMIN + "@" + booking.slug() + ".example";
        String otto = "otto@" + booking.slug() + ".example";
        TestMembers.member("otto").holding("OWNER").withEmail(otto).create(api, booking);
        assertThat(api.patch(booking.path("/settings"), booking.adminToken(), json("registration",
                raw("{\"open\": true, \"approval\": true, \"requestableRoles\": [\"PROVIDER\"]}"))).status())
                .isEqualTo(200);
        List<TestMembers.Member> users = List.of(
                TestMembers.member("ulla").holding("USER").withEmail("ulla@" + booking.slug() + ".example")
                        .create(api, booking),
                TestMembers.member("uwe").holding("USER").withEmail().create(api, booking),
                TestMembers.member("ute").holding("USER").withEmail().create(api, booking));

        assertThat(api.post("/api/v1/auth/register", null, json("email", "rita@elsewhere.example", "username", "rita",
                "firstName", "Rita", "lastName", "Reg", "tenant", booking.slug())).status()).isEqualTo(202);
        for (TestMembers.Member user : users) {
            assertThat(api.post(booking.path("/role-requests"), user.token(), json("role", "PROVIDER")).status())
                    .isEqualTo(201);
        }

        assertThat(notices(booking, admin)).as("the first request mails at once; the flood after it does not")
                .singleElement().satisfies(body -> assertThat(body).contains(": 1 (registrations"));
        assertThat(notices(booking, otto)).hasSize(1);
        assertThat(notices(booking, "ulla@" + booking.slug() + ".example")).as("not an approver").isEmpty();

        notices.sweep();
        assertThat(notices(booking, admin)).as("the interval is not over").hasSize(1);

        // The interval passes: one digest tells of all four.
        jdbc.sql("update approval_notices set last_sent_at = last_sent_at - interval '1 hour' where tenant_id = :t")
                .param("t", UUID.fromString(booking.id())).update();
        notices.sweep();
        assertThat(notices(booking, admin)).hasSize(2).last().satisfies(body -> assertThat(body)
                .contains(": 4 (registrations").doesNotContain("rita").doesNotContain("ulla"));
        assertThat(notices(booking, otto)).hasSize(2);
        notices.sweep();
        assertThat(notices(booking, admin)).as("nothing new came in").hasSize(2);
    }
}
