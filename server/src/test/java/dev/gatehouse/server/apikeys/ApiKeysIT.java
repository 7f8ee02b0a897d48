package dev.gatehouse.server.apikeys;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.AccountClosed;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestServiceAccounts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** {@code …/api-keys} and calling the API with a key (issue 12; docs/security.md, "API keys"). */
class ApiKeysIT extends IntegrationTest {

    @Autowired
    private TestClock clock;
    @Autowired
    private KeyUsage usage;
    @Autowired
    private MeterRegistry meters;
    @Autowired
    private ApplicationEventPublisher events;
    @Autowired
    private PlatformTransactionManager transactions;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static String keyBody(String name, String scopes) {
        return json("name", name, "scopes", raw(scopes));
    }

    private ApiClient.Response create(SignedInTenant tenant, String token, String body) {
        return api.post(tenant.path("/api-keys"), token, body);
    }

    private JsonNode made(SignedInTenant tenant, String token, String body) {
        ApiClient.Response created = create(tenant, token, body);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.body();
    }

    @Test
    void aKeyIsShownOnceStoredHashedAndWorksAsABearerToken() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        JsonNode key = made(clinic, clinic.adminToken(), keyBody("EHR sync", "[\"*\"]"));
        String secret = key.path("key").asText();
        assertThat(secret).startsWith(key.path("prefix").asText() + "_").startsWith("ghk_");
        assertThat(secret.length() - key.path("prefix").asText().length() - 1).as("secret characters").isEqualTo(44);
        assertThat(key.path("owner").asText()).isEqualTo(clinic.adminId());
        assertThat(Instant.parse(key.path("expiresAt").asText())).isAfter(Instant.now().plus(Duration.ofDays(89)))
                .isBefore(Instant.now().plus(Duration.ofDays(91)));

        ApiClient.Response me = api.get("/api/v1/me", secret);
        assertThat(me.status()).as(me.raw()).isEqualTo(200);
        assertThat(me.text("/user/id")).isEqualTo(clinic.adminId());

        ApiClient.Response one = api.get(clinic.path("/api-keys/" + key.path("id").asText()), clinic.adminToken());
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body().has("key")).as("the secret is never shown again").isFalse();
        assertThat(one.text("/status")).isEqualTo("ACTIVE");
        assertThat(one.text("/prefix")).isEqualTo(key.path("prefix").asText());
        assertThat(api.get(clinic.path("/api-keys"), clinic.adminToken()).text("/total")).isEqualTo("1");

        ApiClient.Response trail = api.get(clinic.path("/audit?action=API_KEY_CREATED"), clinic.adminToken());
        assertThat(trail.body().path("items")).hasSize(1);
        assertThat(trail.raw()).contains(key.path("prefix").asText()).doesNotContain(secret);
    }

    @Test
    void whatAKeyDoesIsRecordedAsItsOwnerThroughThatKey() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        JsonNode key = made(clinic, clinic.adminToken(), keyBody("roster sync", "[\"users.*\"]"));
        String prefix = key.path("prefix").asText();

        ApiClient.Response created = api.post(clinic.path("/users"), key.path("key").asText(), json("username",
                "new.starter", "firstName", "New", "lastName", "Starter", "invite", true,
                "email", "new.starter@example.org"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);

        JsonNode event = api.get(clinic.path("/audit?action=USER_CREATED"), clinic.adminToken()).body()
                .path("items").get(0);
        assertThat(event.at("/actor/id").asText()).isEqualTo(clinic.adminId());
        assertThat(event.at("/details/via/apiKey").asText()).as("the trail names the key, never its secret")
                .isEqualTo(prefix);
    }

    @Test
    void badInputIsA400NamingTheField() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String admin = clinic.adminToken();
        assertThat(field(create(clinic, admin, keyBody("x", "[\"patients.read\", \"nothing.here\"]"))))
                .isEqualTo("scopes[1]");
        assertThat(field(create(clinic, admin, keyBody("x", "[\"nothing.*\"]")))).isEqualTo("scopes[0]");
        assertThat(field(create(clinic, admin, keyBody("x", "[]")))).isEqualTo("scopes");
        assertThat(field(create(clinic, admin, keyBody("", "[\"*\"]")))).isEqualTo("name");
        assertThat(field(create(clinic, admin, json("name", "x", "scopes", raw("[\"*\"]"), "locations",
                raw("[\"" + UUID.randomUUID() + "\"]"))))).isEqualTo("locations[0]");
        assertThat(field(create(clinic, admin, json("name", "x", "scopes", raw("[\"*\"]"), "expiresAt",
                Instant.now().plus(Duration.ofDays(400)).toString())))).isEqualTo("expiresAt");
        assertThat(field(create(clinic, admin, json("name", "x", "scopes", raw("[\"*\"]"), "rateLimit",
                raw("{\"requests\": 0, \"perSeconds\": 1}"))))).isEqualTo("rateLimit.requests");
        assertThat(field(create(clinic, admin, json("name", "x", "scopes", raw("[\"*\"]"), "serviceAccount",
                UUID.randomUUID().toString())))).isEqualTo("serviceAccount");
        ApiClient.Response unknown = create(clinic, admin, json("name", "x", "scopes", raw("[\"*\"]"), "secret", "mine"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.raw()).contains("secret");
        String id = made(clinic, admin, keyBody("x", "[\"*\"]")).path("id").asText();
        assertThat(field(api.post(clinic.path("/api-keys/" + id + "/rotate"), admin, json("overlapHours", 1000))))
                .isEqualTo("overlapHours");
        assertThat(api.get(clinic.path("/api-keys?owner=someone"), admin).status()).isEqualTo(400);
        assertThat(api.get(clinic.path("/audit?action=API_KEY_CREATED"), admin).body().path("items"))
                .as("nothing written by a refused request").hasSize(1);
    }

    @Test
    void anotherTenantsKeysAreNotFoundAndAKeyReachesOnlyItsOwnTenant() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        JsonNode key = made(clinic, clinic.adminToken(), keyBody("EHR", "[\"*\"]"));
        String id = key.path("id").asText();
        assertThat(api.get(other.path("/api-keys/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.delete(other.path("/api-keys/" + id), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.post(other.path("/api-keys/" + id + "/rotate"), other.adminToken(), "{}").status())
                .isEqualTo(404);
        assertThat(api.get(clinic.path("/api-keys/" + id), other.adminToken()).status()).isEqualTo(404);
        String secret = key.path("key").asText();
        assertThat(api.get(other.path("/users"), secret).status()).isEqualTo(404);
        assertThat(api.get(other.path("/api-keys"), secret).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/users"), secret).status()).isEqualTo(200);
        assertThat(api.get(clinic.path("/api-keys/" + id), clinic.adminToken()).text("/status")).isEqualTo("ACTIVE");
    }

    @Test
    void aRevokedKeyIsDeadAtOnceAndTheRevocationIsAudited() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        JsonNode key = made(clinic, clinic.adminToken(), keyBody("EHR", "[\"*\"]"));
        String secret = key.path("key").asText();
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(200);

        assertThat(api.delete(clinic.path("/api-keys/" + key.path("id").asText()), clinic.adminToken()).status())
                .isEqualTo(204);
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(401);
        assertThat(api.get(clinic.path("/api-keys/" + key.path("id").asText()), clinic.adminToken()).text("/status"))
                .isEqualTo("REVOKED");
        assertThat(api.post(clinic.path("/api-keys/" + key.path("id").asText() + "/rotate"), clinic.adminToken(), "{}")
                .status()).as("a revoked key is not brought back").isEqualTo(409);
        ApiClient.Response trail = api.get(clinic.path("/audit?action=API_KEY_REVOKED"), clinic.adminToken());
        assertThat(trail.body().path("items")).hasSize(1);
        assertThat(trail.raw()).contains(key.path("prefix").asText()).doesNotContain(secret);
        assertThat(api.get("/api/v1/me", "ghk_unknown_" + "x".repeat(44)).status()).isEqualTo(401);
    }

    @Test
    void aRotatedSecretWorksUntilItsOverlapEndsAndAnExpiredKeyIsDead() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        JsonNode key = made(clinic, clinic.adminToken(), json("name", "EHR", "scopes", raw("[\"*\"]"), "expiresAt",
                Instant.now().plus(Duration.ofHours(5)).toString()));
        String id = key.path("id").asText();
        String first = key.path("key").asText();

        ApiClient.Response rotated = api.post(clinic.path("/api-keys/" + id + "/rotate"), clinic.adminToken(),
                json("overlapHours", 1));
        assertThat(rotated.status()).as(rotated.raw()).isEqualTo(201);
        String second = rotated.text("/key");
        assertThat(second).isNotEqualTo(first).startsWith(key.path("prefix").asText() + "_");
        assertThat(api.get("/api/v1/me", first).status()).as("the previous secret, in its overlap").isEqualTo(200);
        assertThat(api.get("/api/v1/me", second).status()).isEqualTo(200);
        assertThat(api.get(clinic.path("/api-keys/" + id), clinic.adminToken()).text("/status")).isEqualTo("ROTATING");

        String third = api.post(clinic.path("/api-keys/" + id + "/rotate"), clinic.adminToken(), json("overlapHours", 0))
                .text("/key");
        assertThat(api.get("/api/v1/me", second).status()).as("overlap 0: at once").isEqualTo(401);
        assertThat(api.get("/api/v1/me", first).status()).as("the one before it too").isEqualTo(401);
        assertThat(api.get("/api/v1/me", third).status()).isEqualTo(200);
        assertThat(api.get(clinic.path("/audit?action=API_KEY_ROTATED"), clinic.adminToken()).body().path("items"))
                .hasSize(2);

        String fourth = api.post(clinic.path("/api-keys/" + id + "/rotate"), clinic.adminToken(), json("overlapHours", 1))
                .text("/key");
        clock.moveAhead(Duration.ofMinutes(61));
        assertThat(api.get("/api/v1/me", third).status()).as("after its overlap").isEqualTo(401);
        assertThat(api.get("/api/v1/me", fourth).status()).isEqualTo(200);
        clock.moveAhead(Duration.ofHours(5));
        assertThat(api.get("/api/v1/me", fourth).status()).as("past expiresAt").isEqualTo(401);
    }

    @Test
    void overItsRateLimitAKeyGets429WithRetryAfter() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        JsonNode slow = made(clinic, clinic.adminToken(), json("name", "slow", "scopes", raw("[\"*\"]"), "rateLimit",
                raw("{\"requests\": 3, \"perSeconds\": 3600}")));
        String secret = slow.path("key").asText();
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(200);
        }
        ApiClient.Response refused = api.get("/api/v1/me", secret);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(Long.parseLong(refused.http().headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 1200L);
        assertThat(refused.raw()).contains("rate limit");
        String other = made(clinic, clinic.adminToken(), keyBody("another", "[\"*\"]")).path("key").asText();
        assertThat(api.get("/api/v1/me", other).status()).as("each key has its own limit").isEqualTo(200);

        for (int i = 0; i < 5; i++) {
            assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(429);
        }
        assertThat(api.post(clinic.path("/check"), secret, json("user", clinic.adminId(), "permission",
                "users.read")).status()).as("on the check's lean path too").isEqualTo(429);
        JsonNode trail = api.get(clinic.path("/audit?action=API_KEY_RATE_LIMITED"), clinic.adminToken()).body()
                .path("items");
        assertThat(trail).as("seven refusals, one event within the minute").hasSize(1);
        assertThat(trail.get(0).toString()).contains(slow.path("id").asText()).contains(slow.path("prefix").asText())
                .contains("\"requests\":3").contains("/api/v1/me");
    }

    @Test
    void aKeyActsAsItsOwnerNarrowedToItsScopesAndNeverMoreThanTheOwnerHoldsNow() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member manager = TestMembers.member("mia.manager").holding("manager").create(api, clinic);
        String readsPatients = made(clinic, manager.token(), keyBody("reader", "[\"patients.read\"]")).path("key")
                .asText();
        ApiClient.Response admin = api.get(clinic.path("/users"), readsPatients);
        assertThat(admin.status()).as("users.read is outside the key's scopes").isEqualTo(403);
        assertThat(admin.raw()).contains("users.read");
        assertThat(api.get("/api/v1/me", readsPatients).body().path("permissions").toString())
                .contains("patients.read").doesNotContain("users.read");

        String everything = made(clinic, manager.token(), keyBody("all", "[\"*\"]")).path("key").asText();
        assertThat(api.get(clinic.path("/users"), everything).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", everything).body().path("permissions").toString())
                .as("* is the owner's permissions, not the catalog").doesNotContain("access.check");

        JsonNode roles = api.get(clinic.path("/users/" + manager.id() + "/roles"), clinic.adminToken()).body();
        String assignment = (roles.isArray() ? roles : roles.path("items")).get(0).path("id").asText();
        assertThat(api.delete(clinic.path("/users/" + manager.id() + "/roles/" + assignment), clinic.adminToken())
                .status()).isIn(200, 204);
        assertThat(api.get(clinic.path("/users"), everything).status()).as("the role removed from the owner")
                .isEqualTo(403);
    }

    @Test
    void aPersonMakesKeysOnlyForThemselvesAndSeesOnlyTheirOwn() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member desk = TestMembers.member("fred.desk").holding("front_desk").create(api, clinic);
        String serviceId = TestServiceAccounts.serviceAccount("ehr.sync").holding("front_desk").create(api, clinic);
        ApiClient.Response forOther = create(clinic, desk.token(), json("name", "x", "scopes", raw("[\"*\"]"),
                "serviceAccount", serviceId));
        assertThat(forOther.status()).as(forOther.raw()).isEqualTo(403);
        assertThat(field(create(clinic, clinic.adminToken(), json("name", "x", "scopes", raw("[\"*\"]"),
                "serviceAccount", desk.id())))).as("a person's keys are their own to make").isEqualTo("serviceAccount");
        made(clinic, clinic.adminToken(), keyBody("the admin's own", "[\"*\"]"));

        JsonNode serviceKey = made(clinic, clinic.adminToken(), json("name", "sync", "scopes", raw("[\"*\"]"),
                "serviceAccount", serviceId));
        assertThat(serviceKey.path("owner").asText()).isEqualTo(serviceId);
        assertThat(api.get("/api/v1/me", serviceKey.path("key").asText()).text("/user/id")).isEqualTo(serviceId);
        made(clinic, desk.token(), keyBody("mine", "[\"appointments.*\"]"));

        JsonNode mine = api.get(clinic.path("/api-keys"), desk.token()).body();
        assertThat(mine.path("total").asInt()).isEqualTo(1);
        assertThat(mine.path("items").get(0).path("owner").asText()).isEqualTo(desk.id());
        assertThat(api.get(clinic.path("/api-keys/" + serviceKey.path("id").asText()), desk.token()).status())
                .isEqualTo(404);
        assertThat(api.delete(clinic.path("/api-keys/" + serviceKey.path("id").asText()), desk.token()).status())
                .isEqualTo(404);
        JsonNode all = api.get(clinic.path("/api-keys"), clinic.adminToken()).body();
        assertThat(all.path("total").asInt()).as("the admin's own and the service account's, not fred's").isEqualTo(2);
        assertThat(api.get(clinic.path("/api-keys?owner=" + desk.id()), clinic.adminToken()).text("/total"))
                .isEqualTo("0");
        JsonNode ofService = api.get(clinic.path("/api-keys?owner=" + serviceId + "&size=1"), clinic.adminToken())
                .body();
        assertThat(ofService.path("total").asInt()).isEqualTo(1);
        assertThat(ofService.path("items").get(0).path("ownerUsername").asText()).isEqualTo("ehr.sync");
    }

    @Test
    void aKeyCannotDoWhatNeedsASession() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        JsonNode key = made(clinic, clinic.adminToken(), keyBody("EHR", "[\"*\"]"));
        String secret = key.path("key").asText();
        assertThat(api.post("/api/v1/auth/logout", secret, "{}").status()).isEqualTo(403);
        assertThat(api.post("/api/v1/me/password", secret, json("currentPassword", SignedInTenant.ADMIN_PASSWORD,
                "newPassword", "a completely new passphrase here")).status()).isEqualTo(403);
        ApiClient.Response minting = create(clinic, secret, keyBody("more", "[\"*\"]"));
        assertThat(minting.status()).as("a key making keys would outlive its revocation").isEqualTo(403);
        assertThat(api.post(clinic.path("/api-keys/" + key.path("id").asText() + "/rotate"), secret, "{}").status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/me", secret).status()).as("still alive after all that").isEqualTo(200);
    }

    @Test
    void aLockedOwnersKeysStopWorkingAndAClosedAccountsKeysAreRevokedInItsTransaction() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String service = TestServiceAccounts.serviceAccount("ehr.leaving").holding("front_desk").create(api, clinic);
        JsonNode key = made(clinic, clinic.adminToken(), json("name", "sync", "scopes", raw("[\"*\"]"),
                "serviceAccount", service));
        String secret = key.path("key").asText();
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(200);
        assertThat(api.post(clinic.path("/users/" + service + "/lock"), clinic.adminToken(), "{}").status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(401);
        assertThat(api.post(clinic.path("/users/" + service + "/unlock"), clinic.adminToken(), "{}").status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(200);

        TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
        UUID user = UUID.fromString(service);
        Caller admin = new Caller(tenant, clinic.slug(), UUID.fromString(clinic.adminId()), SignedInTenant.ADMIN,
                UUID.randomUUID(), List.of());
        AccountClosed closed = new AccountClosed(tenant, user, "SERVICE", "DISABLED", admin,
                new Origin("127.0.0.1", "test"));
        TransactionTemplate transaction = new TransactionTemplate(transactions);
        transaction.executeWithoutResult(status -> {
            events.publishEvent(closed);
            status.setRollbackOnly();
        });
        assertThat(api.get("/api/v1/me", secret).status()).as("rolled back with the closing").isEqualTo(200);
        assertThat(api.get(clinic.path("/audit?action=API_KEY_REVOKED"), clinic.adminToken()).body().path("items"))
                .isEmpty();

        transaction.executeWithoutResult(status -> events.publishEvent(closed));
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(401);
        assertThat(api.get(clinic.path("/api-keys/" + key.path("id").asText()), clinic.adminToken()).text("/status"))
                .isEqualTo("REVOKED");
        ApiClient.Response trail = api.get(clinic.path("/audit?action=API_KEY_REVOKED"), clinic.adminToken());
        assertThat(trail.body().path("items")).hasSize(1);
        assertThat(trail.raw()).contains("owner disabled");

        // The users feature's own disabling publishes AccountClosed: a key made after it is revoked by it.
        JsonNode later = made(clinic, clinic.adminToken(), json("name", "sync 2", "scopes", raw("[\"*\"]"),
                "serviceAccount", service));
        assertThat(api.post(clinic.path("/users/" + service + "/disable"), clinic.adminToken(), "{}").status())
                .isIn(200, 204);
        assertThat(api.get(clinic.path("/api-keys/" + later.path("id").asText()), clinic.adminToken())
                .text("/status")).isEqualTo("REVOKED");
        assertThat(api.get(clinic.path("/audit?action=API_KEY_REVOKED"), clinic.adminToken()).body().path("items"))
                .hasSize(2);
    }

    @Test
    void aPersonsKeyIsRefusedWhileTheyHaveRequiredActionsPendingAndAServiceAccountsNeverIs() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member desk = TestMembers.member("fred.desk").holding("front_desk").create(api, clinic);
        String secret = made(clinic, desk.token(), keyBody("mine", "[\"*\"]")).path("key").asText();
        String service = TestServiceAccounts.serviceAccount("ehr.sync").holding("front_desk").create(api, clinic);
        String serviceKey = made(clinic, clinic.adminToken(), json("name", "sync", "scopes", raw("[\"*\"]"),
                "serviceAccount", service)).path("key").asText();
        String ownCheck = json("user", desk.id(), "permission", "appointments.read");
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(200);

        String temporary = "a temporary passphrase 4711";
        assertThat(api.post(clinic.path("/users/" + desk.id() + "/password-reset"), clinic.adminToken(),
                json("temporaryPassword", temporary)).status()).isEqualTo(202);
        ApiClient.Response refused = api.get("/api/v1/me", secret);
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.raw()).contains("required actions").contains("CHANGE_PASSWORD");
        assertThat(api.post(clinic.path("/check"), secret, ownCheck).status()).as("on the check's lean path too")
                .isEqualTo(403);

        String session = api.login(clinic.slug(), desk.username(), temporary);
        assertThat(api.post("/api/v1/me/password", session, json("currentPassword", temporary, "newPassword",
                "fred's own new passphrase 99")).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", secret).status()).as("the actions done, the key works again")
                .isEqualTo(200);

        assertThat(api.patch(clinic.path("/settings"), clinic.adminToken(), "{\"mfaPolicy\": {\"required\": \"ALL\"}}")
                .status()).isEqualTo(200);
        String enrolling = api.login(clinic.slug(), desk.username(), "fred's own new passphrase 99");
        ApiClient.Response mfaPending = api.get("/api/v1/me", secret);
        assertThat(mfaPending.status()).as(mfaPending.raw()).isEqualTo(403);
        assertThat(mfaPending.raw()).contains("CONFIGURE_MFA");
        assertThat(api.get("/api/v1/me", serviceKey).status()).as("a service account has no required actions")
                .isEqualTo(200);
        TestMembers.enrolTotp(api, enrolling);
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(200);
        assertThat(api.post(clinic.path("/check"), secret, ownCheck).status()).isEqualTo(200);
    }

    @Test
    void theCheckApiTakesAKeyOnItsLeanPathAndAsksAboutOthersOnlyWithAccessCheck() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member desk = TestMembers.member("fred.desk").holding("front_desk").create(api, clinic);
        String checker = made(clinic, clinic.adminToken(), json("name", "app", "scopes", raw("[\"access.check\"]"),
                "rateLimit", raw("{\"requests\": 1000, \"perSeconds\": 1}"))).path("key").asText();
        String question = json("user", desk.id(), "permission", "appointments.read");
        long before = lean();
        ApiClient.Response answer = api.post(clinic.path("/check"), checker, question);
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        assertThat(answer.text("/allowed")).isEqualTo("true");
        assertThat(lean()).as("answered on the lean path").isGreaterThan(before);

        String reader = made(clinic, clinic.adminToken(), keyBody("reader", "[\"patients.read\"]")).path("key").asText();
        ApiClient.Response refused = api.post(clinic.path("/check"), reader, question);
        assertThat(refused.status()).as("asking about another user needs access.check").isEqualTo(403);
        assertThat(refused.raw()).contains("access.check");
    }

    @Test
    void aKeysUseIsCountedAndShownAfterTheBackgroundFlush() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        JsonNode key = made(clinic, clinic.adminToken(), keyBody("EHR", "[\"*\"]"));
        for (int i = 0; i < 4; i++) {
            assertThat(api.get("/api/v1/me", key.path("key").asText()).status()).isEqualTo(200);
        }
        usage.flush();
        JsonNode view = api.get(clinic.path("/api-keys/" + key.path("id").asText()), clinic.adminToken()).body();
        assertThat(view.path("usage").path("today").asLong()).isEqualTo(4);
        assertThat(view.path("usage").path("last30Days").asLong()).isEqualTo(4);
        assertThat(view.path("lastUsedAt").isNull()).isFalse();
        assertThat(view.path("lastUsedIp").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void theTenantsIpRulesApplyToAKeyAsToItsOwnersSessionsAndTheRefusalIsAuditedOnce() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member desk = TestMembers.member("fred.desk").holding("front_desk").create(api, clinic);
        String secret = made(clinic, desk.token(), keyBody("mine", "[\"*\"]")).path("key").asText();
        String prefix = secret.substring(0, secret.lastIndexOf('_'));
        assertThat(api.patch(clinic.path("/settings"), clinic.adminToken(), """
                {"ipAllowlistByRole": {"front_desk": ["10.0.0.0/8"]}}""").status()).isEqualTo(200);

        ApiClient.Response refused = api.post(clinic.path("/check"), secret,
                json("user", desk.id(), "permission", "appointments.read"));
        assertThat(refused.status()).as("from 127.0.0.1, outside the owner's role's ranges").isEqualTo(403);
        assertThat(refused.raw()).contains("ipAllowlist");
        ApiClient.Response trail = api.get(clinic.path("/audit?action=REQUEST_REFUSED_IP"), clinic.adminToken());
        assertThat(trail.body().path("items")).as("once, though the lean path saw it first").hasSize(1);
        assertThat(trail.raw()).contains(prefix).doesNotContain(secret);
    }

    @Test
    void aNewKeyUsedByManyConnectionsAtOnceIsAnsweredOnEveryOne() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        for (int round = 0; round < 3; round++) {
            String secret = made(clinic, clinic.adminToken(), json("name", "burst " + round, "scopes", raw("[\"*\"]"),
                    "rateLimit", raw("{\"requests\": " + (round == 0 ? 50 : 100_000) + ", \"perSeconds\": 1}")))
                    .path("key").asText();
            String question = json("user", clinic.adminId(), "permission", "patients.read");
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            try (var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < 16; i++) {
                    answers.add(threads.submit(() -> api.post(clinic.path("/check"), secret, question).status()));
                }
                for (var answer : answers) {
                    assertThat(answer.get()).isIn(200, 429);
                }
            }
        }
    }

    private long lean() {
        return (long) meters.find("gatehouse.check.lean").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static String field(ApiClient.Response response) {
        assertThat(response.status()).as(response.raw()).isEqualTo(400);
        return response.body().path("errors").get(0).path("field").asText();
    }
}
