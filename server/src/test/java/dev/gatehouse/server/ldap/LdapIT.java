package dev.gatehouse.server.ldap;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.authentication.DirectoryPasswords;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * LDAP end to end against UnboundID's in-memory directory (issue 15; docs/security.md, "Directory sync
 * (LDAP / Active Directory)"): the bind at save, the sync on demand and on schedule creating, updating
 * and disabling users with their mapped group roles, a failing directory changing nobody, and password
 * sign-in by a bind as the person.
 */
class LdapIT extends IntegrationTest {

    private static final String ALICE_PASSWORD = "alice's directory password";
    private static final String BOB_PASSWORD = "bob's directory password";

    @Autowired
    private JdbcClient jdbc;

    @Autowired
    private TestClock clock;

    private TestDirectory directory;
    private SignedInTenant clinic;

    @BeforeEach
    void directoryAndTenant() {
        directory = TestDirectory.started();
        directory.person("alice", "Alice", "Anders", "alice@clinic.test", ALICE_PASSWORD, "nurses");
        directory.person("bob", "Bob", "Brown", "bob@clinic.test", BOB_PASSWORD, "nurses", "doctors");
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @AfterEach
    void stopDirectory() {
        directory.close();
        clock.reset();
    }

    private String config(String extra) {
        return "{\"url\": \"" + directory.url() + "\", \"bindDn\": \"" + TestDirectory.SERVICE_DN + "\","
                + " \"bindPassword\": \"" + TestDirectory.SERVICE_PASSWORD + "\", \"userBaseDn\": \""
                + TestDirectory.PEOPLE + "\", \"emailAttribute\": \"mail\", \"firstNameAttribute\": \"givenName\","
                + " \"lastNameAttribute\": \"sn\", \"groupAttribute\": \"memberOf\", \"passwordSignIn\": true"
                + extra + "}";
    }

    private static final String MAPPINGS = "[{\"group\": \"nurses\", \"role\": \"front_desk\"},"
            + " {\"group\": \"cn=doctors,ou=groups,dc=clinic,dc=test\", \"role\": \"provider\"}]";

    private Response connect(String config) {
        return api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Staff directory",
                "kind", "LDAP", "jitProvisioning", true, "mappings", raw(MAPPINGS), "config", raw(config)));
    }

    private String connected(String extra) {
        Response created = connect(config(extra));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/id");
    }

    private Response sync(String provider) {
        return api.post(clinic.path("/identity-providers/" + provider + "/sync"), clinic.adminToken(), "");
    }

    private JsonNode user(String username) {
        JsonNode items = api.get(clinic.path("/users?q=" + username), clinic.adminToken()).body().path("items");
        for (JsonNode item : items) {
            if (item.path("username").asString().equals(username)) {
                return item;
            }
        }
        throw new AssertionError("no user " + username + " in " + items);
    }

    private List<String> ssoRoles(JsonNode user) {
        List<String> roles = new ArrayList<>();
        api.get(clinic.path("/users/" + user.path("id").asString() + "/roles"), clinic.adminToken()).body()
                .path("items").forEach(a -> roles.add(a.path("role").asString() + ":" + a.path("source").asString()));
        return roles;
    }

    private static List<String> fields(Response response) {
        List<String> fields = new ArrayList<>();
        response.body().path("errors").forEach(error -> fields.add(error.path("field").asString()));
        return fields;
    }

    @Test
    void savingAProviderBindsToTheDirectoryAndKeepsTheBindPasswordSecret() {
        Response wrongPassword = connect(config("").replace(TestDirectory.SERVICE_PASSWORD, "not the password"));
        assertThat(wrongPassword.status()).as(wrongPassword.raw()).isEqualTo(400);
        assertThat(fields(wrongPassword)).containsExactly("config.bindDn");

        Response loopback = connect(config("").replace(directory.url(), directory.url("127.0.0.1")));
        assertThat(loopback.status()).isEqualTo(400);
        assertThat(fields(loopback)).containsExactly("config.url");
        assertThat(loopback.raw()).contains("loopback");

        Response metadata = connect(config("").replace(directory.url(), "ldap://169.254.169.254"));
        assertThat(fields(metadata)).containsExactly("config.url");

        Response badFields = connect(config(", \"syncIntervalMinutes\": 5, \"colour\": \"blue\","
                + " \"userFilter\": \"(objectClass=person\""));
        assertThat(badFields.status()).isEqualTo(400);
        assertThat(fields(badFields)).containsExactlyInAnyOrder("config.syncIntervalMinutes", "config.colour",
                "config.userFilter");

        Response created = connect(config(", \"breakGlassUsers\": [\"admin\"]"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.body().path("config").path("breakGlassUsers").get(0).asString()).isEqualTo("admin");
        assertThat(created.raw()).doesNotContain(TestDirectory.SERVICE_PASSWORD);
        assertThat(created.text("/config/userFilter")).isEqualTo("(objectClass=person)");
        assertThat(created.text("/config/usernameAttribute")).isEqualTo("uid");
        assertThat(created.body().path("secretsSet").get(0).asString()).isEqualTo("bindPassword");
        assertThat(api.get(clinic.path("/identity-providers/" + created.text("/id")), clinic.adminToken()).raw())
                .doesNotContain(TestDirectory.SERVICE_PASSWORD);
    }

    @Test
    void aSyncCreatesThePeopleWithTheRolesTheirGroupsMapTo() {
        String provider = connected("");

        Response run = sync(provider);

        assertThat(run.status()).as(run.raw()).isEqualTo(200);
        assertThat(run.body().path("created").asInt()).isEqualTo(2);
        assertThat(run.body().path("errors").asInt()).isZero();
        assertThat(run.text("/outcome")).isEqualTo("COMPLETED");
        JsonNode bob = user("bob");
        assertThat(bob.path("firstName").asString()).isEqualTo("Bob");
        assertThat(bob.path("status").asString()).isEqualTo("ACTIVE");
        assertThat(ssoRoles(bob)).containsExactlyInAnyOrder("front_desk:SSO", "provider:SSO");
        assertThat(ssoRoles(user("alice"))).containsExactly("front_desk:SSO");

        RecordedAudit.Event completed = RecordedAudit.only(jdbc, clinic.id(), "LDAP_SYNC_COMPLETED");
        assertThat(completed.targetId()).isEqualTo(provider);
        assertThat(completed.actor()).isEqualTo(SignedInTenant.ADMIN);
        assertThat(completed.details().path("created").asInt()).isEqualTo(2);
        assertThat(completed.details().path("trigger").asString()).isEqualTo("MANUAL");

        Response again = sync(provider);
        assertThat(again.body().path("unchanged").asInt()).isEqualTo(2);
        assertThat(again.body().path("created").asInt()).isZero();
        Response runs = api.get(clinic.path("/identity-providers/" + provider + "/sync-runs"), clinic.adminToken());
        assertThat(runs.status()).isEqualTo(200);
        assertThat(runs.body()).hasSize(2);
        assertThat(runs.body().get(0).path("unchanged").asInt()).isEqualTo(2);
    }

    @Test
    void aChangeInTheDirectoryUpdatesNamesAndMappedRoles() {
        String provider = connected("");
        sync(provider);
        directory.replace(TestDirectory.dnOf("bob"), "sn", "Baker");
        directory.replace(TestDirectory.dnOf("bob"), "memberOf", TestDirectory.groupDn("nurses"));

        Response run = sync(provider);

        assertThat(run.body().path("updated").asInt()).as(run.raw()).isEqualTo(1);
        assertThat(run.body().path("unchanged").asInt()).isEqualTo(1);
        JsonNode bob = user("bob");
        assertThat(bob.path("lastName").asString()).isEqualTo("Baker");
        assertThat(ssoRoles(bob)).containsExactly("front_desk:SSO");
    }

    @Test
    void peopleRemovedFromOrDisabledInTheDirectoryAreDisabledNeverDeleted() {
        String provider = connected(", \"disabledAttribute\": \"nsAccountLock\"");
        sync(provider);
        directory.remove(TestDirectory.dnOf("bob"));
        directory.replace(TestDirectory.dnOf("alice"), "nsAccountLock", "TRUE");

        Response run = sync(provider);

        assertThat(run.body().path("disabled").asInt()).as(run.raw()).isEqualTo(2);
        assertThat(user("bob").path("status").asString()).isEqualTo("DISABLED");
        assertThat(user("alice").path("status").asString()).isEqualTo("DISABLED");

        directory.replace(TestDirectory.dnOf("alice"), "nsAccountLock", "FALSE");
        Response back = sync(provider);
        assertThat(back.body().path("updated").asInt()).as(back.raw()).isEqualTo(1);
        assertThat(user("alice").path("status").asString()).isEqualTo("ACTIVE");
        assertThat(user("bob").path("status").asString()).isEqualTo("DISABLED");
    }

    @Test
    void aFailingDirectoryDisablesNobody() {
        String provider = connected("");
        sync(provider);
        directory.stop();

        Response failed = sync(provider);

        assertThat(failed.status()).as(failed.raw()).isEqualTo(502);
        assertThat(fields(failed)).containsExactly("config.url");
        assertThat(user("alice").path("status").asString()).isEqualTo("ACTIVE");
        assertThat(user("bob").path("status").asString()).isEqualTo("ACTIVE");
        RecordedAudit.Event event = RecordedAudit.only(jdbc, clinic.id(), "LDAP_SYNC_FAILED");
        assertThat(event.details().path("field").asString()).isEqualTo("config.url");
        JsonNode runs = api.get(clinic.path("/identity-providers/" + provider + "/sync-runs"), clinic.adminToken())
                .body();
        assertThat(runs.get(0).path("outcome").asString()).isEqualTo("FAILED");

        // A directory that answers with nobody, where there were people, is a wrong base or filter.
        directory.start();
        directory.remove(TestDirectory.dnOf("alice"));
        directory.remove(TestDirectory.dnOf("bob"));
        Response empty = sync(provider);
        assertThat(empty.status()).as(empty.raw()).isEqualTo(502);
        assertThat(fields(empty)).containsExactly("config.userFilter");
        assertThat(user("alice").path("status").asString()).isEqualTo("ACTIVE");
    }

    @Test
    void onlyAnAdminOfTheTenantSyncsAndOnlyItsOwnProviders() {
        String provider = connected("");
        TestMembers.Member desk = TestMembers.member("fred.desk").holding("front_desk").create(api, clinic);
        assertThat(api.post(clinic.path("/identity-providers/" + provider + "/sync"), desk.token(), "").status())
                .isEqualTo(403);
        assertThat(api.get(clinic.path("/identity-providers/" + provider + "/sync-runs"), desk.token()).status())
                .isEqualTo(403);

        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.post(other.path("/identity-providers/" + provider + "/sync"), other.adminToken(), "").status())
                .isEqualTo(404);
        assertThat(api.post(clinic.path("/identity-providers/" + UUID.randomUUID() + "/sync"), clinic.adminToken(), "")
                .status()).isEqualTo(404);
        assertThat(api.post(clinic.path("/identity-providers/not-an-id/sync"), clinic.adminToken(), "").status())
                .isIn(400, 404);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "LDAP_SYNC_COMPLETED")).isEmpty();
    }

    @Test
    void oneSyncOfAProviderRunsAtATimeAndALeaseLeftByAStoppedNodeIsTakenOver() {
        String provider = connected("");
        UUID running = UUID.randomUUID();
        jdbc.sql("insert into ldap_sync_runs (tenant_id, id, provider_id, trigger, started_at)"
                        + " values (:tenant, :id, :provider, 'SCHEDULED', now())")
                .param("tenant", UUID.fromString(clinic.id())).param("id", running)
                .param("provider", UUID.fromString(provider)).update();

        assertThat(sync(provider).status()).isEqualTo(409);

        jdbc.sql("update ldap_sync_runs set started_at = now() - interval '2 hours' where id = :id")
                .param("id", running).update();
        Response taken = sync(provider);
        assertThat(taken.status()).as(taken.raw()).isEqualTo(200);
        JsonNode runs = api.get(clinic.path("/identity-providers/" + provider + "/sync-runs"), clinic.adminToken())
                .body();
        assertThat(runs).hasSize(2);
        assertThat(runs.get(1).path("outcome").asString()).isEqualTo("FAILED");
        assertThat(runs.get(1).path("message").asString()).contains("abandoned");
    }

    @Test
    void syncedPeopleSignInWithTheirDirectoryPassword() {
        // A password sign-in before the provider exists: this node then holds that the tenant has no directory
        // to ask (issue 17), which the provider's creation must drop, or alice below would be refused.
        Response before = login(SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(before.status()).as(before.raw()).isEqualTo(200);
        String provider = connected("");
        sync(provider);

        Response right = login("alice", ALICE_PASSWORD);
        assertThat(right.status()).as(right.raw()).isEqualTo(200);
        assertThat(login("alice", BOB_PASSWORD).status()).isEqualTo(401);
        assertThat(login("alice", "").status()).isIn(400, 401);
        assertThat(login("*", ALICE_PASSWORD).status()).isEqualTo(401);
        assertThat(login("alice)(uid=*", ALICE_PASSWORD).status()).isEqualTo(401);

        // The bean itself, below the form: an empty password never reaches the directory's unauthenticated
        // bind, and a username that is a filter matches nobody.
        DirectoryPasswords passwords = context.getBean(LdapPasswords.class);
        TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
        UUID alice = UUID.fromString(user("alice").path("id").asString());
        assertThat(passwords.verify(tenant, alice, "alice", "")).contains(false);
        assertThat(passwords.verify(tenant, alice, "alice", ALICE_PASSWORD)).contains(true);
        UUID admin = UUID.fromString(clinic.adminId());
        assertThat(passwords.verify(tenant, admin, SignedInTenant.ADMIN, ALICE_PASSWORD)).isEmpty();

        // A directory that is down refuses (401), it does not fail the server.
        directory.stop();
        assertThat(login("alice", ALICE_PASSWORD).status()).isEqualTo(401);
        directory.start();

        // With passwordSignIn off, the account has no password here at all.
        Response off = api.patch(clinic.path("/identity-providers/" + provider), clinic.adminToken(),
                json("config", raw(config("").replace("\"passwordSignIn\": true", "\"passwordSignIn\": false"))));
        assertThat(off.status()).as(off.raw()).isEqualTo(200);
        assertThat(login("alice", ALICE_PASSWORD).status()).isEqualTo(401);
    }

    @Test
    void activeDirectoryAttributesSyncAndSignIn() {
        directory.adPerson("Dora Diaz", "ddiaz", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
                512, "dora's directory password", "nurses");
        directory.adPerson("Evan Ellis", "eellis", new byte[] {16, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1},
                514, "evan's directory password");
        String provider = connected(", \"userFilter\": \"(objectClass=user)\", \"usernameAttribute\": \"sAMAccountName\","
                + " \"disabledAttribute\": \"userAccountControl\"");
        // The AD-style entries have no mail: the e-mail comes from the config's emailAttribute, absent here.
        Response run = sync(provider);
        assertThat(run.status()).as(run.raw()).isEqualTo(200);
        assertThat(run.body().path("created").asInt()).isEqualTo(1);
        // disabled in AD and never here: not created
        assertThat(run.body().path("skipped").asInt()).isEqualTo(1);
        assertThat(ssoRoles(user("ddiaz"))).containsExactly("front_desk:SSO");
        assertThat(login("ddiaz", "dora's directory password").status()).isEqualTo(200);

        directory.replace("cn=Dora Diaz," + TestDirectory.PEOPLE, "userAccountControl", "514");
        assertThat(sync(provider).body().path("disabled").asInt()).isEqualTo(1);
        assertThat(user("ddiaz").path("status").asString()).isEqualTo("DISABLED");
    }

    @Test
    void aScheduledSyncRunsWhenItsIntervalHasPassed() {
        String provider = connected(", \"syncIntervalMinutes\": 15");
        ScheduledSyncs schedule = context.getBean(ScheduledSyncs.class);

        assertThat(schedule.syncDue()).anyMatch(r -> r.provider().toString().equals(provider));
        JsonNode runs = api.get(clinic.path("/identity-providers/" + provider + "/sync-runs"), clinic.adminToken())
                .body();
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).path("trigger").asString()).isEqualTo("SCHEDULED");
        assertThat(runs.get(0).path("created").asInt()).isEqualTo(2);
        assertThat(RecordedAudit.only(jdbc, clinic.id(), "LDAP_SYNC_COMPLETED").actor()).isEqualTo("system");

        clock.moveAhead(Duration.ofMinutes(14));
        assertThat(schedule.syncDue()).noneMatch(r -> r.provider().toString().equals(provider));
        clock.moveAhead(Duration.ofMinutes(15));
        assertThat(schedule.syncDue()).anyMatch(r -> r.provider().toString().equals(provider));
    }

    private Response login(String username, String password) {
        return api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", username, "password",
                password));
    }
}
