package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@code POST /api/v1/auth/password/forgot}: one answer for everyone, a one-use, short-lived link by e-mail. */
class ForgotPasswordIT extends IntegrationTest {

    private static final Pattern LINK = Pattern.compile("https?://\\S+\\?token=(\\S+)");
    private static final String NEW_PASSWORD = "a brand new passphrase of my own";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    private UserFixtures fixtures;
    private UserFixtures.Tenant tenant;

    record Mail(String recipient, String subject, String body, String kind) {}

    @BeforeEach
    void tenant() {
        fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
        tenant = fixtures.clinic();
    }

    @Test
    void knownAndUnknownAccountsGetTheSameAnswerAndOnlyTheKnownActiveOneAMail() {
        fixtures.user(tenant, "known", "[]");
        long started = System.nanoTime();
        Response known = forgot(tenant.slug(), "known");
        Duration knownTook = Duration.ofNanos(System.nanoTime() - started);
        started = System.nanoTime();
        Response unknown = forgot(tenant.slug(), "nobody-by-this-name");
        Duration unknownTook = Duration.ofNanos(System.nanoTime() - started);
        Response unknownTenant = forgot("no-such-tenant-" + UUID.randomUUID().toString().substring(0, 8), "known");

        assertThat(known.status()).isEqualTo(202);
        assertThat(unknown.status()).isEqualTo(202);
        assertThat(unknownTenant.status()).isEqualTo(202);
        assertThat(unknown.raw()).isEqualTo(known.raw());
        assertThat(unknownTenant.raw()).isEqualTo(known.raw());
        // Both wait out the same floor, which is far longer than the work for a known account.
        assertThat(knownTook).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(unknownTook).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        List<Mail> mails = mails();
        assertThat(mails).singleElement().satisfies(mail -> {
            assertThat(mail.recipient()).isEqualTo("known@example.com");
            assertThat(mail.kind()).isEqualTo("PASSWORD_RESET");
            assertThat(mail.subject()).contains("Tenant " + tenant.slug());
            assertThat(mail.body()).contains("known").contains("Tenant " + tenant.slug());
        });
    }

    @Test
    void theMailedLinkSetsANewPasswordOnceAndLeavesNoSecretInTheAuditTrailOrTheOutboxsRow() {
        fixtures.user(tenant, "forgetful", "[]");
        assertThat(forgot(tenant.slug(), "forgetful").status()).isEqualTo(202);
        QueuedMail outbox = QueuedMail.in(context);
        QueuedMail.Message mail = outbox.where("tenant_id = :tenant and kind = 'PASSWORD_RESET'",
                Map.of("tenant", UUID.fromString(tenant.id()))).getFirst();
        String token = tokenIn(mail.body());
        // Sealed with the server's key: a copy of the database does not hold the live link.
        assertThat(outbox.rawColumns(mail.id())).noneSatisfy(column -> assertThat(column).contains(token));

        assertThat(fixtures.accept(token, NEW_PASSWORD).status()).isEqualTo(204);
        assertThat(api.login(tenant.slug(), "forgetful", NEW_PASSWORD)).isNotBlank();
        Response again = fixtures.accept(token, "yet another passphrase of mine");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.text("/errors/0/field")).isEqualTo("token");

        List<RecordedAudit.Event> requested = RecordedAudit.of(jdbc, tenant.id(), "PASSWORD_RESET_REQUESTED");
        assertThat(requested).singleElement().satisfies(event -> {
            assertThat(event.details().path("mailed").asBoolean()).isTrue();
            assertThat(event.details().toString()).doesNotContain(token);
        });
    }

    @Test
    void anEmailAddressNamesTheAccountAsWellAsTheUsername() {
        fixtures.user(tenant, "by-address", "[]");
        assertThat(forgot(tenant.slug(), "BY-ADDRESS@example.com").status()).isEqualTo(202);
        assertThat(mails()).singleElement().extracting(Mail::recipient).isEqualTo("by-address@example.com");
    }

    @Test
    void theLinkIsValidForAnHourAndNotAfterItExpires() {
        fixtures.user(tenant, "late", "[]");
        forgot(tenant.slug(), "late");
        String token = tokenIn(mails().getFirst().body());
        OffsetDateTime[] times = jdbc.sql("""
                        select created_at, expires_at from user_tokens
                        where tenant_id = :tenant and purpose = 'PASSWORD_RESET' and used_at is null
                        """)
                .param("tenant", UUID.fromString(tenant.id()))
                .query((rs, n) -> new OffsetDateTime[] {rs.getObject(1, OffsetDateTime.class),
                        rs.getObject(2, OffsetDateTime.class)})
                .single();
        assertThat(Duration.between(times[0], times[1])).isEqualTo(Duration.ofHours(1));

        jdbc.sql("update user_tokens set expires_at = now() - interval '1 second' where tenant_id = :tenant")
                .param("tenant", UUID.fromString(tenant.id())).update();
        assertThat(fixtures.accept(token, NEW_PASSWORD).status()).isEqualTo(400);
    }

    @Test
    void disabledAccountsAndAccountsWithoutAnAddressGetNoMailButTheSameAnswer() {
        String disabled = fixtures.user(tenant, "disabled", "[]");
        assertThat(api.post(tenant.user(disabled) + "/disable", tenant.owner(), "").status()).isEqualTo(200);
        Response created = api.post(tenant.users(), tenant.owner(), json("username", "no-address", "firstName", "No",
                "lastName", "Address", "password", UserFixtures.SET_BY_ADMIN + " 12345"));
        assertThat(created.status()).isEqualTo(201);
        Response known = forgot(tenant.slug(), "known-to-nobody");

        Response toDisabled = forgot(tenant.slug(), "disabled");
        Response toNoAddress = forgot(tenant.slug(), "no-address");

        assertThat(toDisabled.status()).isEqualTo(202);
        assertThat(toNoAddress.status()).isEqualTo(202);
        assertThat(toDisabled.raw()).isEqualTo(known.raw());
        assertThat(toNoAddress.raw()).isEqualTo(known.raw());
        assertThat(mails()).isEmpty();
        assertThat(RecordedAudit.of(jdbc, tenant.id(), "PASSWORD_RESET_REQUESTED"))
                .extracting(event -> event.details().path("reason").asString())
                .containsExactlyInAnyOrder("NOT_ACTIVE", "NO_EMAIL");
    }

    @Test
    void askingAgainWithinAMinuteSendsNoSecondLinkSoTheFirstStaysUsable() {
        fixtures.user(tenant, "impatient", "[]");
        forgot(tenant.slug(), "impatient");
        forgot(tenant.slug(), "impatient");

        assertThat(mails()).hasSize(1);
        assertThat(fixtures.accept(tokenIn(mails().getFirst().body()), NEW_PASSWORD).status()).isEqualTo(204);
    }

    @Test
    void aRequestWithoutTenantOrUsernameIsABadRequestNamingTheField() {
        Response noTenant = api.post("/api/v1/auth/password/forgot", null, json("username", "someone"));
        Response blankName = api.post("/api/v1/auth/password/forgot", null, json("tenant", tenant.slug(),
                "username", " "));
        Response malformed = api.post("/api/v1/auth/password/forgot", null, "{\"tenant\": ");

        assertThat(noTenant.status()).isEqualTo(400);
        assertThat(noTenant.text("/errors/0/field")).isEqualTo("tenant");
        assertThat(blankName.status()).isEqualTo(400);
        assertThat(blankName.text("/errors/0/field")).isEqualTo("username");
        assertThat(malformed.status()).isEqualTo(400);
    }

    private Response forgot(String tenantSlug, String username) {
        return api.post("/api/v1/auth/password/forgot", null, json("tenant", tenantSlug, "username", username));
    }

    /** The messages queued for this test's tenant, oldest first. */
    private List<Mail> mails() {
        return QueuedMail.in(context).where("tenant_id = :tenant and kind = 'PASSWORD_RESET'",
                        Map.of("tenant", UUID.fromString(tenant.id()))).stream()
                .map(mail -> new Mail(mail.recipient(), mail.subject(), mail.body(), mail.kind()))
                .toList();
    }

    private static String tokenIn(String body) {
        Matcher link = LINK.matcher(body);
        assertThat(link.find()).as("a reset link in: %s", body).isTrue();
        return link.group(1);
    }
}
