package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static dev.gatehouse.server.users.UserFixtures.roleAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.authentication.MySecondFactor;
import dev.gatehouse.server.authentication.Tokens;
import dev.gatehouse.server.shared.AccountClosed;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Credential;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestServiceAccounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Service accounts (issue 12), tried as an attacker would: a {@code kind: SERVICE} user holds roles
 * like a person but never has a password, never signs in by any door (API sign-in, second step,
 * forgot-password, a one-use link, an operator's impersonation; the console's sign-in page is
 * ServiceAccountsBrowserIT's), never gets a required action or a second factor, and no credential
 * action applies to it; another tenant's ids are 404 and no one gives it more than they hold.
 * Disabling or deleting any user publishes {@link AccountClosed} once, inside the transaction of the
 * change.
 */
class ServiceAccountsIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    @Autowired
    UserTokens tokens;

    @Autowired
    DataSource dataSource;

    @Autowired
    MySecondFactor secondFactor;

    private UserFixtures fixtures;
    private UserFixtures.Tenant clinic;
    private String downtown;
    private final List<Closed> closed = new CopyOnWriteArrayList<>();
    private final List<ApplicationListener<ApplicationEvent>> listeners = new ArrayList<>();

    /** One {@link AccountClosed} as a listener saw it: inside a transaction, and the user's status committed then. */
    record Closed(AccountClosed event, boolean inTransaction, boolean readOnly, String statusSeenInside,
            String statusCommitted) {}

    @BeforeEach
    void clinic() {
        fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
        clinic = fixtures.clinic();
        downtown = fixtures.location(clinic, "Downtown");
    }

    @AfterEach
    void stopListening() {
        listeners.forEach(((ConfigurableApplicationContext) context)::removeApplicationListener);
    }

    @Test
    void aServiceAccountIsActiveAtOnceWithItsRolesAndNoPasswordInvitationOrRequiredAction() {
        Response mfa = api.patch("/api/v1/tenants/" + clinic.slug() + "/settings", clinic.owner(),
                "{\"mfaPolicy\": {\"required\": \"ALL\"}}");
        assertThat(mfa.status()).as(mfa.raw()).isEqualTo(200);
        int mails = outbox(clinic);

        Response created = api.post(clinic.users(), clinic.owner(), json("username", "ehr-sync", "firstName", "EHR",
                "lastName", "Sync", "kind", "SERVICE", "roles", raw("[" + roleAt("provider", downtown) + "]")));

        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("/status")).isEqualTo("ACTIVE");
        assertThat(created.text("/kind")).isEqualTo("SERVICE");
        assertThat(created.body().has("invitationUrl")).isFalse();
        String id = created.text("/id");
        Response user = api.get(clinic.user(id), clinic.owner());
        assertThat(user.text("/kind")).isEqualTo("SERVICE");
        assertThat(user.body().at("/requiredActions").toString()).as("not even with MFA required").isEqualTo("[]");
        assertThat(user.body().has("email")).isFalse();
        assertThat(api.get(clinic.user(id) + "/roles", clinic.owner()).body().at("/items/0/role").asString())
                .isEqualTo("provider");
        assertThat(api.get(clinic.user(id) + "/permissions", clinic.owner()).raw()).contains("patients.read");
        assertThat(jdbc.sql("select password_hash is null from users where id = :id").param("id", UUID.fromString(id))
                .query(Boolean.class).single()).isTrue();
        assertThat(outbox(clinic)).as("nothing is mailed for it").isEqualTo(mails);
        assertThat(details(clinic, "USER_CREATED", id)).contains("\"kind\": \"SERVICE\"").contains("\"invited\": false")
                .contains("provider@" + downtown);
        assertThat(actionsOn(clinic, id)).containsExactly("USER_CREATED", "ROLE_ASSIGNED");

        Response person = api.post(clinic.users(), clinic.owner(), json("username", "ivy", "firstName", "Ivy",
                "lastName", "Green"));
        assertThat(person.text("/kind")).as("a person by default").isEqualTo("HUMAN");
        assertThat(person.text("/status")).isEqualTo("INVITED");
    }

    @Test
    void creatingOneWithAPasswordAnInvitationOrAnAddressIsA400NamingTheField() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("password", json("username", "bot", "firstName", "B", "lastName", "T", "kind", "SERVICE",
                "password", "a long enough password 42"));
        cases.put("invite", json("username", "bot", "firstName", "B", "lastName", "T", "kind", "SERVICE",
                "invite", true));
        cases.put("email", json("username", "bot", "firstName", "B", "lastName", "T", "kind", "SERVICE",
                "email", "bot@example.com"));
        int events = actions(clinic).size();
        cases.forEach((field, body) -> {
            Response refused = api.post(clinic.users(), clinic.owner(), body);
            assertThat(refused.status()).as(field + ": " + refused.raw()).isEqualTo(400);
            assertThat(refused.raw()).contains("\"field\":\"" + field + "\"").contains("service account");
        });
        assertThat(actions(clinic)).hasSize(events);
        assertThat(api.get(clinic.users() + "?q=bot", clinic.owner()).body().at("/total").asLong()).isZero();
    }

    @Test
    void everySignInDoorRefusesAServiceAccountExactlyAsAWrongPassword() {
        fixtures.member(clinic, "desk", "[" + roleAt("front_desk", downtown) + "]");
        String id = TestServiceAccounts.serviceAccount("billing-bot").holding("billing").at(downtown)
                .create(api, clinic.slug(), clinic.owner());
        Response wrong = login("desk", "not the password at all");
        Response unknown = login("ghost", "not the password at all");
        Response bot = login("billing-bot", "not the password at all");
        Response botEmpty = login("billing-bot", UserFixtures.PASSWORD);

        for (Response refused : List.of(unknown, bot, botEmpty)) {
            assertThat(refused.status()).isEqualTo(wrong.status()).isEqualTo(401);
            assertThat(refused.raw()).isEqualTo(wrong.raw());
        }
        assertThat(details(clinic, "LOGIN_FAILED", id)).contains("SERVICE_ACCOUNT");
        assertThat(jdbc.sql("select failed_logins from users where id = :id").param("id", UUID.fromString(id))
                .query(Integer.class).single()).as("no lockout to learn from either").isZero();

        // Forgot-password answers as for anyone, and sends nothing.
        int mails = outbox(clinic);
        Response forgot = api.post("/api/v1/auth/password/forgot", null, json("tenant", clinic.slug(), "username",
                "billing-bot"));
        Response forgotGhost = api.post("/api/v1/auth/password/forgot", null, json("tenant", clinic.slug(),
                "username", "ghost"));
        assertThat(forgot.status()).isEqualTo(forgotGhost.status()).isEqualTo(202);
        assertThat(forgot.raw()).isEqualTo(forgotGhost.raw());
        assertThat(outbox(clinic)).isEqualTo(mails);
        assertThat(details(clinic, "PASSWORD_RESET_REQUESTED", id)).contains("SERVICE_ACCOUNT")
                .contains("\"mailed\": false");

        // No link is ever made for it, and one left from before issue 12 is worth what a made-up one is.
        assertThatThrownBy(() -> tokens.issue(new TenantId(UUID.fromString(clinic.id())), UUID.fromString(id),
                UserTokens.Purpose.PASSWORD_RESET, Duration.ofHours(1), Instant.now()))
                .isInstanceOf(IllegalStateException.class);
        String legacy = "legacy-link-of-a-service-account-" + UUID.randomUUID();
        jdbc.sql("""
                        insert into user_tokens (tenant_id, id, user_id, purpose, token_hash, expires_at)
                        values (:tenant, :id, :user, 'PASSWORD_RESET', :hash, now() + interval '1 hour')
                        """)
                .param("tenant", UUID.fromString(clinic.id())).param("id", UUID.randomUUID())
                .param("user", UUID.fromString(id)).param("hash", Tokens.hash(legacy)).update();
        Response redeemed = fixtures.accept(legacy, "the attacker's own passphrase 42");
        Response madeUp = fixtures.accept("made-up-" + UUID.randomUUID(), "the attacker's own passphrase 42");
        assertThat(redeemed.status()).isEqualTo(madeUp.status()).isEqualTo(400);
        assertThat(redeemed.raw()).isEqualTo(madeUp.raw()).contains("\"field\":\"token\"");
        assertThat(login("billing-bot", "the attacker's own passphrase 42").raw()).isEqualTo(wrong.raw());

        // A platform operator gets no session as it either.
        Response impersonated = api.post(clinic.user(id) + "/impersonation", operatorToken(),
                json("reason", "ticket 4711: check what the bot sees"));
        assertThat(impersonated.status()).as(impersonated.raw()).isEqualTo(409);
        assertThat(impersonated.text("/detail")).contains("service account");
        assertThat(jdbc.sql("select count(*) from sessions where user_id = :id").param("id", UUID.fromString(id))
                .query(Long.class).single()).isZero();
    }

    @Test
    void noCredentialActionAppliesToAServiceAccount() {
        String id = service(clinic, "ehr-sync", "[" + roleAt("provider", downtown) + "]");
        String user = clinic.user(id);
        int events = actions(clinic).size();

        Map<String, Response> tries = new LinkedHashMap<>();
        tries.put("reset link", api.post(user + "/password-reset", clinic.owner(), ""));
        tries.put("temporary password", api.post(user + "/password-reset", clinic.owner(),
                json("temporaryPassword", "a temporary passphrase 4711")));
        tries.put("invitation", api.post(user + "/invitation", clinic.owner(), ""));
        tries.put("second factor", api.post(user + "/mfa/reset", clinic.owner(), ""));
        tries.put("break-glass", api.post(user + "/break-glass", operatorToken(),
                json("reason", "ticket 4712: the bot is locked out")));
        tries.forEach((what, answer) -> {
            assertThat(answer.status()).as(what + ": " + answer.raw()).isEqualTo(409);
            assertThat(answer.text("/detail")).as(what).contains("service account")
                    .contains("never signs in interactively");
            assertThat(answer.raw()).as(what).doesNotContain("token=");
        });
        assertThat(actions(clinic)).as("nothing written").hasSize(events);

        // Its status is managed like anyone's; enabling it makes it active, never "invited".
        assertThat(api.post(user + "/lock", clinic.owner(), "").text("/status")).isEqualTo("LOCKED");
        assertThat(api.post(user + "/unlock", clinic.owner(), "").text("/status")).isEqualTo("ACTIVE");
        assertThat(api.post(user + "/disable", clinic.owner(), "").text("/status")).isEqualTo("DISABLED");
        assertThat(api.post(user + "/enable", clinic.owner(), "").text("/status")).isEqualTo("ACTIVE");
    }

    @Test
    void theKindIsSetAtCreationAndAServiceAccountTakesNoAddress() {
        String bot = service(clinic, "ehr-sync", "[]");
        String person = fixtures.user(clinic, "desk", "[]");
        for (String id : List.of(bot, person)) {
            Response refused = api.patch(clinic.user(id), clinic.owner(), json("kind", "HUMAN".equals(kind(id))
                    ? "SERVICE" : "HUMAN"));
            assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
            assertThat(refused.raw()).contains("\"field\":\"kind\"");
        }
        assertThat(kind(bot)).isEqualTo("SERVICE");
        assertThat(kind(person)).isEqualTo("HUMAN");

        Response email = api.patch(clinic.user(bot), clinic.owner(), json("email", "bot@attacker.example"));
        assertThat(email.status()).as(email.raw()).isEqualTo(400);
        assertThat(email.raw()).contains("\"field\":\"email\"");
        Response renamed = api.patch(clinic.user(bot), clinic.owner(), json("firstName", "Chart"));
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
        assertThat(renamed.text("/kind")).isEqualTo("SERVICE");
    }

    @Test
    void aServiceAccountTakesNoClinicalProfilePhotoOrWeeklyHours() {
        Response created = api.post(clinic.users(), clinic.owner(), json("username", "bot", "firstName", "B",
                "lastName", "T", "kind", "SERVICE", "profile", raw("{\"npi\": \"1234567893\"}")));
        assertThat(created.status()).as(created.raw()).isEqualTo(400);
        assertThat(created.raw()).contains("\"field\":\"profile\"").contains("service account");
        String bot = service(clinic, "ehr-sync", "[]");
        int events = actions(clinic).size();

        Response profile = api.patch(clinic.user(bot), clinic.owner(), json("profile",
                raw("{\"specialties\": [\"Cardiology\"]}")));
        assertThat(profile.status()).as(profile.raw()).isEqualTo(400);
        assertThat(profile.raw()).contains("\"field\":\"profile\"");
        Response photo = api.send(clinic.user(bot) + "/photo", clinic.owner(), request -> request
                .header("Content-Type", "image/png").PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                        PhotoIT.PNG)));
        assertThat(photo.status()).as(photo.raw()).isEqualTo(409);
        assertThat(photo.text("/detail")).contains("service account");
        Response week = api.put(clinic.user(bot) + "/availability", clinic.owner(), """
                {"timezone": "America/New_York", "days": {"MONDAY": {"hours": [{"from": "09:00", "to": "17:00"}]}}}
                """);
        assertThat(week.status()).as(week.raw()).isEqualTo(409);
        assertThat(week.text("/detail")).contains("service account");
        assertThat(actions(clinic)).as("nothing written").hasSize(events);
        assertThat(api.patch(clinic.user(bot), clinic.owner(), json("firstName", "Chart")).status())
                .as("its other details still change").isEqualTo(200);
    }

    @Test
    void theListFiltersByKindAndTheExportCarriesIt() {
        String bot = service(clinic, "ehr-sync", "[]");
        String person = fixtures.user(clinic, "desk", "[]");

        Response services = api.get(clinic.users() + "?kind=SERVICE", clinic.owner());
        assertThat(services.body().at("/total").asLong()).isOne();
        assertThat(services.text("/items/0/id")).isEqualTo(bot);
        assertThat(services.text("/items/0/kind")).isEqualTo("SERVICE");
        Response people = api.get(clinic.users() + "?kind=HUMAN", clinic.owner());
        assertThat(people.raw()).contains(person).contains(clinic.ownerId()).doesNotContain(bot);
        Response bad = api.get(clinic.users() + "?kind=ROBOT", clinic.owner());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.raw()).contains("\"field\":\"kind\"");

        Response csv = api.get(clinic.users() + "/export?kind=SERVICE", clinic.owner());
        assertThat(csv.status()).as(csv.raw()).isEqualTo(200);
        List<String> lines = csv.raw().lines().toList();
        assertThat(lines.getFirst()).contains(",kind,");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith(bot + ",ehr-sync,").contains(",SERVICE,");
        assertThat(details(clinic, "USERS_EXPORTED", null)).contains("\"kind\": \"SERVICE\"");
    }

    @Test
    void anotherTenantsAdminFindsNothingAndALowerRoleGivesNoMoreThanItHolds() {
        String ownerBot = service(clinic, "owner-bot", "[" + roleAt("owner", downtown) + "]");
        UserFixtures.Tenant other = fixtures.clinic();
        String foreign = other.user(ownerBot);
        assertThat(api.get(foreign, other.owner()).status()).isEqualTo(404);
        assertThat(api.post(foreign + "/disable", other.owner(), "").status()).isEqualTo(404);
        assertThat(api.patch(foreign, other.owner(), json("firstName", "Owned")).status()).isEqualTo(404);
        assertThat(api.delete(foreign, other.owner()).status()).isEqualTo(404);
        assertThat(api.get(other.users() + "?kind=SERVICE", other.owner()).body().at("/total").asLong()).isZero();

        // A lead who may add users and give roles at downtown, holding what a manager and a front desk hold there.
        fixtures.customRole(clinic, "lead", "LOCATION", "users.read", "users.edit", "users.create", "roles.assign",
                "elevation.request", "roles.delegate", "care_teams.*", "break_glass.review",
                "roles.read", "patients.*", "medical_notes.read", "appointments.*", "payments.read", "payments.create",
                "payments.process", "refunds.approve", "billing.read", "invoices.read", "reports.read",
                "reports.create", "reports.export", "analytics.read", "time_tracking.*", "inventory.*", "products.*",
                "orders.read", "orders.create", "orders.edit", "calls.read", "calls.edit", "transcriptions.read",
                "locations.read");
        TestMembers.Member manager = fixtures.member(clinic, "lead", "[" + roleAt("lead", downtown) + "]");
        Response escalated = api.post(clinic.users(), manager.token(), json("username", "my-bot", "firstName", "My",
                "lastName", "Bot", "kind", "SERVICE", "roles", raw("[" + roleAt("owner", downtown) + "]")));
        assertThat(escalated.status()).as(escalated.raw()).isEqualTo(403);
        assertThat(escalated.text("/detail")).contains("you cannot give role owner");
        Response own = api.post(clinic.users(), manager.token(), json("username", "desk-bot", "firstName", "Desk",
                "lastName", "Bot", "kind", "SERVICE", "roles", raw("[" + roleAt("front_desk", downtown) + "]")));
        assertThat(own.status()).as(own.raw()).isEqualTo(201);

        // Who may act on whom holds for service accounts as for people.
        Response notCovered = api.post(clinic.user(ownerBot) + "/disable", manager.token(), "");
        assertThat(notCovered.status()).as(notCovered.raw()).isEqualTo(403);
        assertThat(notCovered.text("/detail")).contains("owner-bot holds").contains("which you do not hold");
        assertThat(kindAndStatus(ownerBot)).isEqualTo("SERVICE ACTIVE");
        assertThat(api.post(clinic.user(own.text("/id")) + "/disable", manager.token(), "").status()).isEqualTo(200);
    }

    @Test
    void disablingAndDeletingPublishAccountClosedOnceInsideTheTransaction() {
        listen(closed::add);
        String bot = service(clinic, "ehr-sync", "[" + roleAt("provider", downtown) + "]");
        String person = fixtures.user(clinic, "desk", "[" + roleAt("front_desk", downtown) + "]");
        String spare = service(clinic, "spare-bot", "[]");

        assertThat(api.post(clinic.user(bot) + "/lock", clinic.owner(), "").status()).isEqualTo(200);
        assertThat(api.post(clinic.user(bot) + "/unlock", clinic.owner(), "").status()).isEqualTo(200);
        assertThat(closed).as("locking closes nothing: the engine already denies a locked owner").isEmpty();
        assertThat(api.post(clinic.user(bot) + "/disable", clinic.owner(), "").status()).isEqualTo(200);
        assertThat(api.post(clinic.user(person) + "/disable", clinic.owner(), "").status()).isEqualTo(200);
        assertThat(api.delete(clinic.user(spare), clinic.owner()).status()).isEqualTo(204);
        assertThat(api.post(clinic.user(bot) + "/enable", clinic.owner(), "").status()).isEqualTo(200);

        assertThat(closed).extracting(c -> c.event().user().toString() + " " + c.event().kind() + " " + c.event().how())
                .containsExactly(bot + " SERVICE DISABLED", person + " HUMAN DISABLED", spare + " SERVICE DELETED");
        for (Closed seen : closed) {
            assertThat(seen.inTransaction()).as("published inside the change's transaction").isTrue();
            assertThat(seen.readOnly()).isFalse();
            assertThat(seen.event().tenant().value().toString()).isEqualTo(clinic.id());
            assertThat(seen.event().by().userId().toString()).isEqualTo(clinic.ownerId());
            assertThat(seen.event().origin().ip()).isEqualTo("127.0.0.1");
        }
        assertThat(closed.get(0).statusSeenInside()).isEqualTo("DISABLED");
        assertThat(closed.get(0).statusCommitted()).as("before the commit").isEqualTo("ACTIVE");
        assertThat(closed.get(2).statusSeenInside()).as("published before the row goes").isEqualTo("ACTIVE");
        assertThat(closed.get(2).statusCommitted()).isEqualTo("ACTIVE");
    }

    @Test
    void aListenerThatFailsUndoesTheDisableWithItsAuditEvent() {
        String bot = service(clinic, "ehr-sync", "[]");
        listen(event -> {
            if (event.event().user().toString().equals(bot)) {
                throw ApiException.conflict("the keys of " + bot + " could not be revoked");
            }
        });
        int events = actions(clinic).size();

        Response refused = api.post(clinic.user(bot) + "/disable", clinic.owner(), "");

        assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
        assertThat(kindAndStatus(bot)).isEqualTo("SERVICE ACTIVE");
        assertThat(actions(clinic)).as("no USER_DISABLED without its listeners' work").hasSize(events);
    }

    @Test
    void theDatabaseRefusesAPasswordOrARequiredActionOnAServiceAccount() {
        UUID bot = UUID.fromString(service(clinic, "ehr-sync", "[]"));
        assertThatThrownBy(() -> jdbc.sql("update users set password_hash = 'x' where id = :id").param("id", bot)
                .update()).isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> jdbc.sql("update users set required_actions = '{CONFIGURE_MFA}' where id = :id")
                .param("id", bot).update()).isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> jdbc.sql("update users set status = 'INVITED' where id = :id").param("id", bot)
                .update()).isInstanceOf(DataIntegrityViolationException.class);
    }

    /**
     * What the API keys (another feature) will hand it: a caller of the service account with a key,
     * asking for an authenticator. Refused before anything is written; it never gets a second factor.
     */
    @Test
    void aServiceAccountCallingWithAKeyEnrolsNoSecondFactor() {
        UUID bot = UUID.fromString(service(clinic, "ehr-sync", "[]"));
        Caller withKey = new Caller(new TenantId(UUID.fromString(clinic.id())), clinic.slug(), bot, "ehr-sync", null,
                List.of(), null, new Credential.ApiKey(UUID.randomUUID(), "ghk_test", List.of("*"), List.of()));

        assertThatThrownBy(() -> secondFactor.enrol(withKey, new Origin("127.0.0.1", "test")))
                .isInstanceOfSatisfying(ApiException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(refused.getMessage()).contains("service account");
                });
        assertThat(jdbc.sql("select count(*) from mfa_totp where user_id = :id").param("id", bot)
                .query(Long.class).single()).isZero();
    }

    /** Records every {@link AccountClosed} the application publishes while this test runs, as {@link Closed}. */
    private void listen(Consumer<Closed> recorder) {
        ApplicationListener<ApplicationEvent> listener = event -> {
            if (event instanceof PayloadApplicationEvent<?> payload && payload.getPayload() instanceof AccountClosed c) {
                String inside = jdbc.sql("select status from users where id = :id").param("id", c.user())
                        .query(String.class).optional().orElse("GONE");
                recorder.accept(new Closed(c, TransactionSynchronizationManager.isActualTransactionActive(),
                        TransactionSynchronizationManager.isCurrentTransactionReadOnly(), inside, committed(c.user())));
            }
        };
        listeners.add(listener);
        ((ConfigurableApplicationContext) context).addApplicationListener(listener);
    }

    /** The user's status as another connection sees it: what is committed. */
    private String committed(UUID user) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("select status from users where id = ?")) {
            statement.setObject(1, user);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : "GONE";
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String service(UserFixtures.Tenant tenant, String username, String rolesJson) {
        return TestServiceAccounts.serviceAccount(username).holdingJson(rolesJson).create(api, tenant.slug(),
                tenant.owner());
    }

    private Response login(String username, String password) {
        return api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", username, "password",
                password));
    }

    private String kind(String id) {
        return api.get(clinic.user(id), clinic.owner()).text("/kind");
    }

    private String kindAndStatus(String id) {
        Response user = api.get(clinic.user(id), clinic.owner());
        return user.text("/kind") + " " + user.text("/status");
    }

    private int outbox(UserFixtures.Tenant tenant) {
        return jdbc.sql("select count(*) from mail_outbox where tenant_id = :t").param("t", UUID.fromString(tenant.id()))
                .query(Integer.class).single();
    }

    private List<String> actions(UserFixtures.Tenant tenant) {
        return jdbc.sql("select action from audit_events where tenant_id = :t order by seq")
                .param("t", UUID.fromString(tenant.id())).query(String.class).list();
    }

    private List<String> actionsOn(UserFixtures.Tenant tenant, String target) {
        return jdbc.sql("select action from audit_events where tenant_id = :t and target_id = :target order by seq")
                .param("t", UUID.fromString(tenant.id())).param("target", target).query(String.class).list();
    }

    /** The details of the last {@code action} event (on {@code target}, when given). */
    private String details(UserFixtures.Tenant tenant, String action, String target) {
        return jdbc.sql("""
                        select details::text from audit_events
                        where tenant_id = :t and action = :a and (cast(:target as text) is null or target_id = :target)
                        order by seq desc limit 1
                        """)
                .param("t", UUID.fromString(tenant.id())).param("a", action).param("target", target)
                .query(String.class).single();
    }
}
