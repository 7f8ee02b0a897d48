package dev.gatehouse.server.audittrail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 5, "for each auditable action, an integration test asserts exactly one event with the right
 * actor, target and details". One row per action: the row prepares what the action needs, then
 * performs it over HTTP; the test reads the events written since (by sequence number) and asserts
 * exactly one event of that action (beside the named companions a request also writes, such as the
 * ROLE_ASSIGNED of a user created with a role), its actor (id, username, the roles held just before
 * the request), target (type, id, name), address and user agent, the detail fields it must carry
 * (before and after for edits), and that no secret the request carried appears anywhere in it.
 * The catalogue check fails when an action Gatehouse reserves has no row here.
 */
class AuditCompletenessIT extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = TestMembers.PASSWORD;
    private static final String NEW_PASSWORD = "a brand new passphrase of mine 42";

    /**
     * Actions proven by their own ITs, named there (IpAllowlistIT; MfaIT with e-mailed codes; SessionPolicyIT;
     * RetentionIT for the purge's checkpoint; AlertsIT and AlertDeliveryIT for the alerts' own events;
     * ThrottlingIT for REQUEST_THROTTLED, once per limit and window).
     */
    private static final Set<String> PROVEN_ELSEWHERE = Set.of("SIGN_IN_REFUSED_IP", "REQUEST_REFUSED_IP",
            "MFA_CODE_SENT", "AUDIT_PURGED", "ALERT_RAISED", "ALERT_SETTINGS_CHANGED", "ALERT_WEBHOOK_FAILED",
            "ALERT_WEBHOOK_SECRET_ROTATED", "REQUEST_THROTTLED",
            // apikeys.ApiKeysIT: each with its details, never the secret; a revocation by AccountClosed rolled back with it
            "API_KEY_CREATED", "API_KEY_ROTATED", "API_KEY_REVOKED",
            // accessreviews.AccessReviewsIT: each with its actor, target and details (the due date's as the system)
            "ACCESS_REVIEW_CREATED", "ACCESS_REVIEW_DECIDED", "ACCESS_REVIEW_REMINDED", "ACCESS_REVIEW_COMPLETED",
            // temporaryaccess.DelegationsIT and ElevationsIT: actor, target and details of each
            "DELEGATION_CREATED", "DELEGATION_ENDED", "ELEVATION_REQUESTED", "ELEVATION_APPROVED", "ELEVATION_DENIED",
            "ELEVATION_USED",
            // ldap.LdapIT: the sync's completion and failure, each with its counts or reason, run and trigger
            "LDAP_SYNC_COMPLETED", "LDAP_SYNC_FAILED",
            // emergencyaccess.EmergencyAccessIT: the review and the early end, each with its details and target
            "BREAK_GLASS_REVIEWED", "BREAK_GLASS_ENDED",
            // authentication.DevicesIT: the new-device sign-in with its details, the mismatch with the session
            // ended, the forgotten device as target
            "NEW_DEVICE_SIGN_IN", "SESSION_DEVICE_MISMATCH", "DEVICE_FORGOTTEN",
            // passkeys.PasskeysIT: registered, renamed and removed (by the user and by an administrator), each once
            "PASSKEY_REGISTERED", "PASSKEY_RENAMED", "PASSKEY_REMOVED",
            // signup.SignupIT: each mapping change in the tenant's trail and the child's; the queue's requests and
            // decisions with the request, kind and role
            "DOMAIN_MAPPING_CREATED", "DOMAIN_MAPPING_CHANGED", "DOMAIN_MAPPING_DELETED", "REGISTRATION_REQUESTED",
            "REGISTRATION_APPROVED", "REGISTRATION_REJECTED", "ROLE_REQUESTED", "ROLE_REQUEST_APPROVED",
            "ROLE_REQUEST_REJECTED",
            // issue 16: mail.PlatformSmtpSettingsIT (settings changed, never the password; test mail with its outcome),
            // mail.OutboxRetryIT (the retry), alerts.TestAlertsIT (the test alert and the alert it raises)
            "PLATFORM_SMTP_SETTINGS_CHANGED", "PLATFORM_SMTP_TEST_MAIL", "OUTBOX_MESSAGE_RETRIED", "ALERT_TEST_REQUESTED",
            // compliance.ComplianceReportsIT: each generation with its type, period, rows and hash; each download; a
            // schedule created, changed and deleted, in that order
            "REPORT_GENERATED", "REPORT_DOWNLOADED", "REPORT_SCHEDULE_CREATED", "REPORT_SCHEDULE_UPDATED",
            "REPORT_SCHEDULE_DELETED",
            // compliance.ReportJobsIT: a report asked for in the background, its job as target and its asker as actor
            "REPORT_REQUESTED",
            // compliance.ScheduledReportsIT: a job failed, its asker (the system, for a schedule) as actor and its
            // error, attempts and schedule in the details
            "REPORT_FAILED",
            // memberships.MembershipsIT: accepted and ended in both trails, the member's trail never naming home
            "MEMBERSHIP_ACCEPTED", "MEMBERSHIP_ENDED");

    @Autowired
    JdbcClient jdbc;

    /** Who acted, as the event must record them. */
    record Who(@Nullable UUID id, @Nullable String username, Set<String> roles) {}

    /** What one performed action must have written. */
    record Expected(String tenant, String action, Who actor, String targetType, String targetId,
            @Nullable String targetName, List<String> detailPointers, List<String> companions, List<String> secrets) {}

    /** Performs the action, after its row prepared everything it needs. */
    interface Act {
        Expected perform();
    }

    record Row(String action, Function<World, Act> prepare) {
        @Override
        public String toString() {
            return action;
        }
    }

    /** One stored event, as the assertions read it. */
    record Stored(long seq, String action, @Nullable UUID actorId, @Nullable String actorUsername,
            List<String> actorRoles, @Nullable String targetType, @Nullable String targetId,
            @Nullable String targetName, @Nullable String ip, @Nullable String userAgent, JsonNode details,
            String text) {}

    /** The tenant the rows act in, and helpers to make its staff. */
    final class World {
        final SignedInTenant tenant;
        final String operator;

        /** Every alert rule off (a PUT replaces the rules, so a partial one would turn the rest back on). */
        static final String QUIET_ALERTS = "{\"failedSignInsPerAccount\": {\"enabled\": false},"
                + " \"failedSignInsPerTenant\": {\"enabled\": false}, \"patientRecordsPerUser\": {\"enabled\": false},"
                + " \"breakGlass\": {\"enabled\": false}, \"adminRoleGranted\": {\"enabled\": false},"
                + " \"adminNewIp\": {\"enabled\": false}, \"impersonationStarted\": {\"enabled\": false},"
                + " \"refreshTokenReused\": {\"enabled\": false}, \"clinicalBreakGlass\": {\"enabled\": false}}";

        World() {
            operator = operatorToken();
            tenant = SignedInTenant.create(api, operator, "clinic");
            // The alerts' own thread writes ALERT_RAISED after the event that tripped a rule (this
            // tenant gathers failed sign-ins, lockouts and admin grants over the rows), which would land
            // in whichever row runs next. Alerts are proven in AlertsIT and AlertDeliveryIT: quiet here.
            Response quiet = api.put("/api/v1/tenants/" + tenant.slug() + "/alerts", tenant.adminToken(), json("rules",
                    raw(QUIET_ALERTS)));
            assertThat(quiet.status()).as(quiet.raw()).isEqualTo(200);
        }

        /** A member holding {@code role} tenant-wide, who chose {@link #PASSWORD} and then signed out. */
        UUID staff(String username, String role) {
            return UUID.fromString(TestMembers.member(username).holding(role).signedOutAfterFirstSignIn()
                    .create(api, tenant).id());
        }

        String login(String username) {
            return api.login(tenant.slug(), username, PASSWORD);
        }

        Who admin() {
            return who(tenant.id(), UUID.fromString(tenant.adminId()), SignedInTenant.ADMIN);
        }

        Who who(UUID user, String username) {
            return who(tenant.id(), user, username);
        }

        Who who(String tenantId, UUID user, String username) {
            Set<String> roles = new HashSet<>(jdbc.sql("""
                            select distinct role_key from assignments where tenant_id = :tenant and user_id = :user
                              and (starts_at is null or starts_at <= now()) and (expires_at is null or expires_at > now())
                            """)
                    .param("tenant", UUID.fromString(tenantId)).param("user", user).query(String.class).list());
            return new Who(user, username, roles);
        }

        /** An invited user with an e-mail address; answers their id and invitation link's token. */
        String[] invited(String username) {
            Response created = api.post(tenant.path("/users"), tenant.adminToken(), json("username", username,
                    "firstName", "Ivy", "lastName", "Invited", "email", username + "@example.test",
                    "roles", raw("[{\"role\": \"front_desk\"}]")));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            return new String[] {created.text("/id"), tokenOf(created.text("/invitationUrl"))};
        }

        /** An active user with an e-mail address who chose {@link #PASSWORD} through their invitation. */
        UUID accepted(String username) {
            String[] invitation = invited(username);
            Response accepted = api.post("/api/v1/auth/tokens/accept", null, json("token", invitation[1],
                    "newPassword", PASSWORD));
            assertThat(accepted.status()).as(accepted.raw()).isEqualTo(204);
            return UUID.fromString(invitation[0]);
        }

        String path(String rest) {
            return tenant.path(rest);
        }

        Expected expect(String action, Who actor, String targetType, Object targetId, @Nullable String targetName,
                List<String> pointers) {
            return new Expected(tenant.id(), action, actor, targetType, targetId.toString(), targetName, pointers,
                    List.of(), List.of());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyAuditableActionWritesExactlyOneCompleteEvent() {
        World world = new World();
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.action(), () -> verify(world, row)));
    }

    @Test
    void everyReservedActionHasARow() {
        Set<String> covered = new HashSet<>();
        rows().forEach(row -> covered.add(row.action().split(" ")[0]));
        covered.addAll(PROVEN_ELSEWHERE);
        assertThat(covered).containsAll(AuditController.RESERVED);
    }

    /**
     * "None on a rolled-back change": a deferred constraint trigger, made for this test's tenant
     * only, refuses the change at commit, after the service has written its event. If an event
     * were written outside the change's transaction it would survive, and this test would fail.
     */
    @TestFactory
    Stream<DynamicTest> aChangeRolledBackAfterItsEventWasWrittenLeavesNoEvent() {
        World w = new World();
        UUID user = w.staff("probe_target", "front_desk");
        createRole(w, "probe_role");
        record Probe(String name, String table, String condition, java.util.function.Supplier<Response> request,
                String unchanged) {}
        List<Probe> probes = List.of(
                new Probe("LOCATION_CREATED", "locations", "new.name = 'Rollback probe'",
                        () -> api.post(w.path("/locations"), w.tenant.adminToken(), json("name", "Rollback probe")),
                        "select count(*) from locations where tenant_id = :tenant and name = 'Rollback probe'"),
                new Probe("USER_UPDATED", "users", "new.first_name = 'Rollback'",
                        () -> api.patch(w.path("/users/" + user), w.tenant.adminToken(), json("firstName", "Rollback")),
                        "select count(*) from users where tenant_id = :tenant and first_name = 'Rollback'"),
                new Probe("ROLE_UPDATED", "roles", "new.name = 'Rollback role'",
                        () -> api.put(w.path("/roles/probe_role"), w.tenant.adminToken(), json("name", "Rollback role",
                                "inherits", raw("[]"), "grants", raw("[{\"permission\": \"appointments.read\"}]"))),
                        "select count(*) from roles where tenant_id = :tenant and name = 'Rollback role'"),
                new Probe("SETTINGS_CHANGED", "tenants", "new.settings::text like '%\"idleMinutes\": 17%'",
                        () -> api.patch(w.path("/settings"), w.tenant.adminToken(),
                                "{\"sessionPolicy\": {\"idleMinutes\": 17}}"),
                        "select count(*) from tenants where id = :tenant and settings::text like '%\"idleMinutes\": 17%'"));
        return probes.stream().map(probe -> DynamicTest.dynamicTest(probe.name(), () -> {
            String tenantColumn = probe.table().equals("tenants") ? "id" : "tenant_id";
            jdbc.sql("""
                    create or replace function audit_rollback_probe() returns trigger language plpgsql as $$
                    begin
                        raise exception 'rollback probe: the change fails at commit';
                    end $$""").update();
            jdbc.sql("create constraint trigger audit_rollback_probe after insert or update on " + probe.table()
                    + " deferrable initially deferred for each row when (new." + tenantColumn + " = '" + w.tenant.id()
                    + "' and " + probe.condition() + ") execute function audit_rollback_probe()").update();
            try {
                long before = lastSeq(w.tenant.id());
                long head = chainHead(w.tenant.id());
                Response failed = probe.request().get();
                // 500: the commit failed, so the request got past its own checks and wrote its event first.
                assertThat(failed.status()).as(failed.raw()).isEqualTo(500);
                assertThat(since(w.tenant.id(), before)).as("events of the rolled-back " + probe.name()).isEmpty();
                assertThat(chainHead(w.tenant.id())).as("the sequence did not move").isEqualTo(head);
                assertThat(jdbc.sql(probe.unchanged()).param("tenant", UUID.fromString(w.tenant.id()))
                        .query(Long.class).single()).as("the change itself").isZero();
            } finally {
                jdbc.sql("drop trigger audit_rollback_probe on " + probe.table()).update();
                jdbc.sql("drop function audit_rollback_probe()").update();
            }
            Response verified = api.get(w.path("/audit/verify"), w.tenant.adminToken());
            assertThat(verified.body().at("/ok").asBoolean()).as(verified.raw()).isTrue();
        }));
    }

    /** Every action's bad input (400) or conflict (409) writes no event at all. */
    @TestFactory
    Stream<DynamicTest> aRefusedRequestWritesNoEvent() {
        World w = new World();
        UUID user = w.staff("steady", "front_desk");
        String token = w.login("steady");
        String[] invited = w.invited("pending");
        createRole(w, "existing_role");
        String location = location(w, "Existing wing");
        String admin = w.tenant.adminToken();
        Map<String, java.util.function.Supplier<Response>> cases = new java.util.LinkedHashMap<>();
        cases.put("tenant: unknown pack", () -> api.post("/api/v1/tenants", w.operator, json("slug", uniqueSlug("bad"),
                "name", "Bad", "pack", "no-such-pack", "admin", raw(json("username", "a", "firstName", "A",
                        "lastName", "B")))));
        cases.put("location: blank name", () -> api.post(w.path("/locations"), admin, json("name", " ")));
        cases.put("location: duplicate name", () -> api.post(w.path("/locations"), admin, json("name", "Existing wing")));
        cases.put("location: unknown parent", () -> api.patch(w.path("/locations/" + location), admin,
                json("parent", UUID.randomUUID().toString())));
        cases.put("settings: out of range", () -> api.patch(w.path("/settings"), admin,
                "{\"sessionPolicy\": {\"idleMinutes\": -1}}"));
        cases.put("user: no username", () -> api.post(w.path("/users"), admin, json("firstName", "A", "lastName", "B")));
        cases.put("user: duplicate username", () -> api.post(w.path("/users"), admin, json("username", "steady",
                "firstName", "A", "lastName", "B")));
        cases.put("user: bad e-mail", () -> api.patch(w.path("/users/" + user), admin, json("email", "not-an-address")));
        cases.put("user: enable an active user", () -> api.post(w.path("/users/" + user + "/enable"), admin, ""));
        cases.put("user: unlock an unlocked user", () -> api.post(w.path("/users/" + user + "/unlock"), admin, ""));
        cases.put("user: weak temporary password", () -> api.post(w.path("/users/" + user + "/password-reset"), admin,
                json("temporaryPassword", "short")));
        cases.put("user: invitation for an active user", () -> api.post(w.path("/users/" + user + "/invitation"),
                admin, ""));
        cases.put("user: reset of an invited user", () -> api.post(w.path("/users/" + invited[0] + "/password-reset"),
                admin, ""));
        cases.put("assignment: unknown role", () -> api.post(w.path("/users/" + user + "/roles"), admin,
                json("role", "no_such_role")));
        cases.put("assignment: held already", () -> api.post(w.path("/users/" + user + "/roles"), admin,
                json("role", "front_desk")));
        cases.put("role: bad key", () -> api.post(w.path("/roles"), admin, json("key", "Bad Key!", "name", "B")));
        cases.put("role: duplicate key", () -> api.post(w.path("/roles"), admin, json("key", "existing_role",
                "name", "Again", "grants", raw("[]"))));
        cases.put("role: delete a built-in role", () -> api.delete(w.path("/roles/front_desk"), admin));
        cases.put("permission: bad key", () -> api.post(w.path("/permissions"), admin, json("key", "Not a key!")));
        cases.put("password change: weak new password", () -> api.post("/api/v1/me/password", token,
                json("currentPassword", PASSWORD, "newPassword", "short")));
        cases.put("token: unknown", () -> api.post("/api/v1/auth/tokens/accept", null, json("token", "no-such-token",
                "newPassword", NEW_PASSWORD)));
        cases.put("token: weak password", () -> api.post("/api/v1/auth/tokens/accept", null, json("token", invited[1],
                "newPassword", "short")));
        cases.put("mfa: confirm without enrolment", () -> api.post("/api/v1/me/mfa/totp/confirm", token,
                json("code", "123456")));
        cases.put("reauthenticate: neither password nor code", () -> api.post("/api/v1/me/reauthenticate", token,
                "{}"));
        cases.put("check: no permission", () -> api.post(w.path("/check"), admin, json("user", "steady", "audit",
                true)));
        cases.put("data access: reserved action", () -> api.post(w.path("/audit/events"), admin, json("action",
                "USER_CREATED", "user", "steady", "resource", raw(json("type", "patient", "id", "p-1")))));
        cases.put("export: unknown format", () -> api.get(w.path("/audit/export?format=xml"), admin));
        UUID shut = w.staff("shut", "front_desk");
        assertThat(api.post(w.path("/users/" + shut + "/disable"), admin, "").status()).isEqualTo(200);
        // A fresh sign-in: the operator must have proved their factor within the last 5 minutes.
        String operator = operatorToken();
        cases.put("impersonation: no reason", () -> api.post(w.path("/users/" + user + "/impersonation"), operator,
                "{}"));
        cases.put("impersonation: disabled user", () -> api.post(w.path("/users/" + shut + "/impersonation"),
                operator, json("reason", "ticket 7")));
        cases.put("break-glass: blank reason", () -> api.post(w.path("/users/" + user + "/break-glass"), operator,
                json("reason", " ")));
        cases.put("break-glass: disabled user", () -> api.post(w.path("/users/" + shut + "/break-glass"), operator,
                json("reason", "ticket 7")));
        return cases.entrySet().stream().map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
            long tenantMark = lastSeq(w.tenant.id());
            long platformMark = lastSeq(platformId());
            Response refused = entry.getValue().get();
            assertThat(refused.status()).as(refused.raw()).isIn(400, 409);
            assertThat(since(w.tenant.id(), tenantMark)).as("events of the tenant").isEmpty();
            assertThat(since(platformId(), platformMark)).as("events of the platform").isEmpty();
        }));
    }

    /** Issue 5: the actor's username and roles are kept as they were, though the user is later renamed and locked. */
    @Test
    void anEventKeepsItsActorAsTheyWereAfterARenameAndALock() {
        World w = new World();
        // The member's first sign-in, at creation, is the sign-in under the old name and role.
        UUID user = w.staff("before_rename", "front_desk");
        String assignment = api.get(w.path("/users/" + user + "/roles"), w.tenant.adminToken()).body().at("/items/0/id")
                .asString();
        assertThat(api.patch(w.path("/users/" + user), w.tenant.adminToken(), json("username", "after_rename"))
                .status()).isEqualTo(200);
        assertThat(api.delete(w.path("/users/" + user + "/roles/" + assignment), w.tenant.adminToken()).status())
                .isEqualTo(204);
        assertThat(api.post(w.path("/users/" + user + "/lock"), w.tenant.adminToken(), "").status()).isEqualTo(200);
        Stored signedIn = since(w.tenant.id(), 0).stream().filter(e -> e.action().equals("LOGIN_SUCCEEDED")
                && user.equals(e.actorId())).findFirst().orElseThrow();
        assertThat(signedIn.actorUsername()).isEqualTo("before_rename");
        assertThat(signedIn.actorRoles()).containsExactly("front_desk");
        Response found = api.get(w.path("/audit?actor=before_rename&action=LOGIN_SUCCEEDED"), w.tenant.adminToken());
        assertThat(found.body().at("/items").size()).as(found.raw()).isEqualTo(1);
    }

    private long chainHead(String tenant) {
        return jdbc.sql("select last_seq from audit_sequences where tenant_id = :tenant")
                .param("tenant", UUID.fromString(tenant)).query(Long.class).single();
    }

    /** A PATCH of another tenant by the operator, as its event on the platform's trail. */
    private Expected lifecycle(World w, SignedInTenant other, String body, String action, List<String> pointers) {
        Response changed = api.patch("/api/v1/tenants/" + other.slug(), w.operator, body);
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
        return new Expected(platformId(), action, w.who(platformId(), operatorId(), OPERATOR), "tenant", other.id(),
                other.slug(), pointers, List.of(), List.of());
    }

    private void verify(World world, Row row) {
        Act act = row.prepare().apply(world);
        long platformMark = lastSeq(platformId());
        long tenantMark = lastSeq(world.tenant.id());
        Expected expected = act.perform();
        long mark = expected.tenant().equals(world.tenant.id()) ? tenantMark
                : expected.tenant().equals(platformId()) ? platformMark : 0;
        List<Stored> written = since(expected.tenant(), mark);
        List<String> actions = written.stream().map(Stored::action).toList();
        List<String> wanted = new ArrayList<>(expected.companions());
        wanted.add(expected.action());
        assertThat(actions).as("the events of one " + expected.action()).containsExactlyInAnyOrderElementsOf(wanted);
        List<Stored> mine = written.stream().filter(e -> e.action().equals(expected.action())).toList();
        assertThat(mine).hasSize(1);
        Stored event = mine.getFirst();
        assertThat(event.actorId()).as("actor id").isEqualTo(expected.actor().id());
        assertThat(event.actorUsername()).as("actor username").isEqualTo(expected.actor().username());
        assertThat(event.actorRoles()).as("actor roles").containsExactlyInAnyOrderElementsOf(expected.actor().roles());
        assertThat(event.targetType()).as("target type").isEqualTo(expected.targetType());
        assertThat(event.targetId()).as("target id").isEqualTo(expected.targetId());
        assertThat(event.targetName()).as("target name").isEqualTo(expected.targetName());
        assertThat(event.ip()).as("ip").isEqualTo("127.0.0.1");
        assertThat(event.userAgent()).as("user agent").startsWith("Java-http-client");
        for (String pointer : expected.detailPointers()) {
            assertThat(event.details().at(pointer).isMissingNode()).as("details " + pointer + " in " + event.details())
                    .isFalse();
        }
        for (Stored any : written) {
            for (String secret : expected.secrets()) {
                assertThat(any.text()).as("a secret in " + any.action()).doesNotContain(secret);
            }
        }
    }

    private List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("TENANT_CREATED", w -> () -> {
            Who operator = w.who(platformId(), operatorId(), OPERATOR);
            String password = "the operator's initial pick 123";
            String slug = uniqueSlug("complete");
            Response created = api.post("/api/v1/tenants", w.operator, json("slug", slug, "name", "Complete",
                    "pack", "clinic", "admin", raw(json("username", "first", "firstName", "F", "lastName", "A",
                            "password", password))));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            return new Expected(created.text("/id"), "TENANT_CREATED", operator, "tenant", created.text("/id"), slug,
                    List.of("/pack", "/name"), List.of("USER_CREATED", "ROLE_ASSIGNED"), List.of(password));
        }));
        rows.add(new Row("LOCATION_CREATED", w -> () -> {
            Who admin = w.admin();
            Response created = api.post(w.path("/locations"), w.tenant.adminToken(), json("name", "North wing"));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            return w.expect("LOCATION_CREATED", admin, "location", created.text("/id"), "North wing",
                    List.of("/name", "/parent"));
        }));
        rows.add(new Row("LOCATION_UPDATED", w -> {
            String id = location(w, "South wing");
            return () -> {
                Who admin = w.admin();
                Response renamed = api.patch(w.path("/locations/" + id), w.tenant.adminToken(), json("name", "Sun wing"));
                assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
                return w.expect("LOCATION_UPDATED", admin, "location", id, "Sun wing",
                        List.of("/before/name", "/after/name"));
            };
        }));
        rows.add(new Row("LOCATION_DELETED", w -> {
            String id = location(w, "East wing");
            return () -> {
                Who admin = w.admin();
                assertThat(api.delete(w.path("/locations/" + id), w.tenant.adminToken()).status()).isEqualTo(204);
                return w.expect("LOCATION_DELETED", admin, "location", id, "East wing", List.of("/name"));
            };
        }));
        rows.add(new Row("SETTINGS_CHANGED", w -> () -> {
            Who admin = w.admin();
            Response changed = api.patch(w.path("/settings"), w.tenant.adminToken(),
                    "{\"sessionPolicy\": {\"idleMinutes\": 45}}");
            assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
            return w.expect("SETTINGS_CHANGED", admin, "tenant", w.tenant.id(), w.tenant.slug(),
                    List.of("/before/sessionPolicy.idleMinutes", "/after/sessionPolicy.idleMinutes"));
        }));
        rows.add(new Row("USER_CREATED", w -> () -> {
            Who admin = w.admin();
            Response created = api.post(w.path("/users"), w.tenant.adminToken(), json("username", "newcomer",
                    "firstName", "New", "lastName", "Comer", "email", "newcomer@example.test",
                    "roles", raw("[{\"role\": \"front_desk\"}]")));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            Expected expected = w.expect("USER_CREATED", admin, "user", created.text("/id"), "newcomer",
                    List.of("/roles", "/invited", "/kind"));
            return withCompanions(expected, List.of("ROLE_ASSIGNED", "INVITATION_SENT"),
                    List.of(tokenOf(created.text("/invitationUrl"))));
        }));
        rows.add(new Row("USER_UPDATED", w -> {
            UUID user = w.staff("renamed", "front_desk");
            return () -> {
                Who admin = w.admin();
                Response patched = api.patch(w.path("/users/" + user), w.tenant.adminToken(), json("firstName", "Ren"));
                assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
                return w.expect("USER_UPDATED", admin, "user", user, "renamed",
                        List.of("/changes/firstName/before", "/changes/firstName/after"));
            };
        }));
        rows.add(new Row("USER_AVAILABILITY_CHANGED", w -> {
            UUID user = w.staff("scheduled", "provider");
            return () -> {
                Who admin = w.admin();
                Response put = api.put(w.path("/users/" + user + "/availability"), w.tenant.adminToken(),
                        "{\"days\": {\"MONDAY\": {\"hours\": [{\"from\": \"09:00\", \"to\": \"17:00\"}]}}}");
                assertThat(put.status()).as(put.raw()).isEqualTo(200);
                return w.expect("USER_AVAILABILITY_CHANGED", admin, "user", user, "scheduled",
                        List.of("/before/timezone", "/after/days/MONDAY/hours/0/from"));
            };
        }));
        rows.add(new Row("USER_PHOTO_CHANGED", w -> {
            UUID user = w.staff("pictured", "provider");
            return () -> {
                Who admin = w.admin();
                assertThat(putPng(w.path("/users/" + user + "/photo"), w.tenant.adminToken()).status()).isEqualTo(204);
                return w.expect("USER_PHOTO_CHANGED", admin, "user", user, "pictured", List.of("/contentType", "/size"));
            };
        }));
        rows.add(new Row("USER_PHOTO_REMOVED", w -> {
            UUID user = w.staff("unpictured", "provider");
            assertThat(putPng(w.path("/users/" + user + "/photo"), w.tenant.adminToken()).status()).isEqualTo(204);
            return () -> {
                Who admin = w.admin();
                assertThat(api.delete(w.path("/users/" + user + "/photo"), w.tenant.adminToken()).status()).isEqualTo(204);
                return w.expect("USER_PHOTO_REMOVED", admin, "user", user, "unpictured", List.of("/contentType", "/size"));
            };
        }));
        rows.add(userAction("USER_LOCKED", "/lock", List.of("/previousStatus", "/sessionsEnded")));
        rows.add(new Row("USER_UNLOCKED", w -> {
            UUID user = w.staff("unlockme", "front_desk");
            assertThat(api.post(w.path("/users/" + user + "/lock"), w.tenant.adminToken(), "").status()).isEqualTo(200);
            return () -> {
                Who admin = w.admin();
                assertThat(api.post(w.path("/users/" + user + "/unlock"), w.tenant.adminToken(), "").status())
                        .isEqualTo(200);
                return w.expect("USER_UNLOCKED", admin, "user", user, "unlockme",
                        List.of("/previousStatus", "/status", "/failedLogins"));
            };
        }));
        rows.add(userAction("USER_DISABLED", "/disable", List.of("/previousStatus", "/sessionsEnded")));
        rows.add(new Row("USER_ENABLED", w -> {
            UUID user = w.staff("enableme", "front_desk");
            assertThat(api.post(w.path("/users/" + user + "/disable"), w.tenant.adminToken(), "").status())
                    .isEqualTo(200);
            return () -> {
                Who admin = w.admin();
                assertThat(api.post(w.path("/users/" + user + "/enable"), w.tenant.adminToken(), "").status())
                        .isEqualTo(200);
                return w.expect("USER_ENABLED", admin, "user", user, "enableme", List.of("/status"));
            };
        }));
        rows.add(new Row("USER_DELETED", w -> {
            String[] invited = w.invited("mistake");
            return () -> {
                Who admin = w.admin();
                assertThat(api.delete(w.path("/users/" + invited[0]), w.tenant.adminToken()).status()).isEqualTo(204);
                return w.expect("USER_DELETED", admin, "user", invited[0], "mistake",
                        List.of("/username", "/status", "/roles"));
            };
        }));
        rows.add(new Row("PASSWORD_RESET", w -> {
            UUID user = w.staff("forgetful", "front_desk");
            return () -> {
                Who admin = w.admin();
                Response reset = api.post(w.path("/users/" + user + "/password-reset"), w.tenant.adminToken(), "");
                assertThat(reset.status()).as(reset.raw()).isEqualTo(202);
                return withCompanions(w.expect("PASSWORD_RESET", admin, "user", user, "forgetful",
                        List.of("/sessionsEnded", "/expiresAt")), List.of(), List.of(tokenOf(reset.text("/resetUrl"))));
            };
        }));
        rows.add(new Row("INVITATION_SENT", w -> {
            String[] invited = w.invited("reinvited");
            return () -> {
                Who admin = w.admin();
                Response again = api.post(w.path("/users/" + invited[0] + "/invitation"), w.tenant.adminToken(), "");
                assertThat(again.status()).as(again.raw()).isEqualTo(201);
                return withCompanions(w.expect("INVITATION_SENT", admin, "user", invited[0], "reinvited",
                        List.of("/expiresAt", "/renewed")), List.of(), List.of(tokenOf(again.text("/invitationUrl"))));
            };
        }));
        rows.add(new Row("ROLE_ASSIGNED", w -> {
            UUID user = w.staff("promoted", "front_desk");
            return () -> {
                Who admin = w.admin();
                Response assigned = api.post(w.path("/users/" + user + "/roles"), w.tenant.adminToken(),
                        json("role", "billing"));
                assertThat(assigned.status()).as(assigned.raw()).isEqualTo(201);
                return w.expect("ROLE_ASSIGNED", admin, "user", user, "promoted", List.of("/assignmentId", "/role"));
            };
        }));
        rows.add(new Row("ROLE_REVOKED", w -> {
            UUID user = w.staff("demoted", "front_desk");
            String assignment = api.get(w.path("/users/" + user + "/roles"), w.tenant.adminToken())
                    .body().at("/items/0/id").asString();
            return () -> {
                Who admin = w.admin();
                assertThat(api.delete(w.path("/users/" + user + "/roles/" + assignment), w.tenant.adminToken())
                        .status()).isEqualTo(204);
                return w.expect("ROLE_REVOKED", admin, "user", user, "demoted", List.of("/assignmentId", "/role"));
            };
        }));
        rows.add(new Row("SESSION_REVOKED", w -> {
            UUID user = w.staff("signedout", "front_desk");
            w.login("signedout");
            return () -> {
                Who admin = w.admin();
                assertThat(api.delete(w.path("/users/" + user + "/sessions"), w.tenant.adminToken()).status())
                        .isIn(200, 204);
                return w.expect("SESSION_REVOKED", admin, "user", user, "signedout", List.of("/sessionsEnded"));
            };
        }));
        rows.add(new Row("ROLE_CREATED", w -> () -> {
            Who admin = w.admin();
            Response created = api.post(w.path("/roles"), w.tenant.adminToken(), json("key", "greeter", "name",
                    "Greeter", "grants", raw("[{\"permission\": \"appointments.read\"}]")));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            return w.expect("ROLE_CREATED", admin, "role", "greeter", "Greeter", List.of("/grants"));
        }));
        rows.add(new Row("ROLE_UPDATED", w -> {
            createRole(w, "porter");
            return () -> {
                Who admin = w.admin();
                Response replaced = api.put(w.path("/roles/porter"), w.tenant.adminToken(), json("name", "Head porter",
                        "inherits", raw("[]"), "grants", raw("[{\"permission\": \"appointments.read\"}]")));
                assertThat(replaced.status()).as(replaced.raw()).isEqualTo(200);
                return w.expect("ROLE_UPDATED", admin, "role", "porter", "Head porter",
                        List.of("/before/name", "/after/name"));
            };
        }));
        rows.add(new Row("ROLE_DELETED", w -> {
            createRole(w, "temp_role");
            return () -> {
                Who admin = w.admin();
                assertThat(api.delete(w.path("/roles/temp_role"), w.tenant.adminToken()).status()).isEqualTo(204);
                return w.expect("ROLE_DELETED", admin, "role", "temp_role", "Role temp_role", List.of("/grants"));
            };
        }));
        rows.add(new Row("PERMISSION_REGISTERED", w -> () -> {
            Who admin = w.admin();
            Response registered = api.post(w.path("/permissions"), w.tenant.adminToken(), json("key",
                    "widgets.audit.completeness", "description", "A widget"));
            assertThat(registered.status()).as(registered.raw()).isEqualTo(201);
            return w.expect("PERMISSION_REGISTERED", admin, "permission", "widgets.audit.completeness",
                    "widgets.audit.completeness", List.of());
        }));
        rows.add(new Row("LOGIN_SUCCEEDED", w -> {
            UUID user = w.staff("signsin", "front_desk");
            return () -> {
                Who self = w.who(user, "signsin");
                Response signed = login(w, "signsin", PASSWORD);
                assertThat(signed.status()).isEqualTo(200);
                return withCompanions(w.expect("LOGIN_SUCCEEDED", self, "user", user, "signsin",
                        List.of("/method", "/secondFactor")), List.of(), List.of(PASSWORD, signed.text("/token")));
            };
        }));
        rows.add(new Row("LOGIN_FAILED", w -> {
            UUID user = w.staff("mistyped", "front_desk");
            return () -> {
                Who self = w.who(user, "mistyped");
                String wrong = "not my passphrase at all 999";
                assertThat(login(w, "mistyped", wrong).status()).isEqualTo(401);
                return withCompanions(w.expect("LOGIN_FAILED", self, "user", user, "mistyped",
                        List.of("/reason", "/failures")), List.of(), List.of(wrong));
            };
        }));
        rows.add(new Row("LOCKED_OUT", w -> {
            UUID user = w.staff("hammered", "front_desk");
            int allowed = api.get(w.path("/settings"), w.tenant.adminToken()).body().at("/lockoutPolicy/maxFailures")
                    .asInt();
            for (int i = 1; i < allowed; i++) {
                assertThat(login(w, "hammered", "wrong guess " + i).status()).isEqualTo(401);
            }
            return () -> {
                Who self = w.who(user, "hammered");
                assertThat(login(w, "hammered", "the last wrong guess").status()).isEqualTo(401);
                return withCompanions(w.expect("LOCKED_OUT", self, "user", user, "hammered",
                        List.of("/failures", "/permanent", "/lockedUntil")), List.of("LOGIN_FAILED"),
                        List.of("the last wrong guess"));
            };
        }));
        rows.add(new Row("LOGOUT", w -> {
            UUID user = w.staff("leaving", "front_desk");
            String token = w.login("leaving");
            String session = api.get("/api/v1/me/sessions", token).body().at("/items/0/id").asString();
            return () -> {
                Who self = w.who(user, "leaving");
                assertThat(api.post("/api/v1/auth/logout", token, "").status()).isEqualTo(204);
                return withCompanions(w.expect("LOGOUT", self, "session", session, "leaving", List.of()), List.of(),
                        List.of(token));
            };
        }));
        rows.add(new Row("PASSWORD_CHANGED", w -> {
            UUID user = w.staff("changer", "front_desk");
            String token = w.login("changer");
            return () -> {
                Who self = w.who(user, "changer");
                assertThat(api.post("/api/v1/me/password", token, json("currentPassword", PASSWORD, "newPassword",
                        NEW_PASSWORD)).status()).isEqualTo(204);
                return withCompanions(w.expect("PASSWORD_CHANGED", self, "user", user, "changer", List.of("/by")),
                        List.of(), List.of(PASSWORD, NEW_PASSWORD));
            };
        }));
        rows.add(new Row("PASSWORD_RESET_REQUESTED", w -> {
            UUID user = w.accepted("mailable");
            return () -> {
                Response asked = api.post("/api/v1/auth/password/forgot", null, json("tenant", w.tenant.slug(),
                        "username", "mailable"));
                assertThat(asked.status()).as(asked.raw()).isIn(202, 204);
                return w.expect("PASSWORD_RESET_REQUESTED", new Who(null, null, Set.of()), "user", user, "mailable",
                        List.of("/mailed", "/expiresAt"));
            };
        }));
        rows.add(new Row("PASSWORD_CHANGED (invitation accepted)", w -> {
            String[] invited = w.invited("accepting");
            return () -> {
                Who self = w.who(UUID.fromString(invited[0]), "accepting");
                assertThat(api.post("/api/v1/auth/tokens/accept", null, json("token", invited[1], "newPassword",
                        NEW_PASSWORD)).status()).isEqualTo(204);
                return withCompanions(w.expect("PASSWORD_CHANGED", self, "user", invited[0], "accepting",
                        List.of("/via", "/activated", "/sessionsEnded")), List.of(), List.of(invited[1], NEW_PASSWORD));
            };
        }));
        rows.add(new Row("PATIENT_RECORD_VIEWED (data access)", w -> {
            UUID user = w.staff("viewer", "provider");
            return () -> {
                Who viewer = w.who(user, "viewer");
                Response recorded = api.post(w.path("/audit/events"), w.tenant.adminToken(), json("action",
                        "PATIENT_RECORD_VIEWED", "user", "viewer", "resource", raw(json("type", "patient", "id", "p-42")),
                        "details", raw(json("section", "labs"))));
                assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
                return w.expect("PATIENT_RECORD_VIEWED", viewer, "patient", "p-42", null,
                        List.of("/section", "/recordedBy/username"));
            };
        }));
        rows.add(new Row("SESSION_REVOKED (one, by an admin)", w -> {
            UUID user = w.staff("onedevice", "front_desk");
            w.login("onedevice");
            String session = api.get(w.path("/users/" + user + "/sessions"), w.tenant.adminToken()).body()
                    .at("/items/0/id").asString();
            return () -> {
                Who admin = w.admin();
                assertThat(api.delete(w.path("/users/" + user + "/sessions/" + session), w.tenant.adminToken())
                        .status()).isEqualTo(204);
                return w.expect("SESSION_REVOKED", admin, "session", session, "onedevice", List.of("/by", "/user"));
            };
        }));
        rows.add(new Row("SESSION_REVOKED (own)", w -> {
            UUID user = w.staff("ownsession", "front_desk");
            String token = w.login("ownsession");
            String session = api.get("/api/v1/me/sessions", token).body().at("/items/0/id").asString();
            return () -> {
                Who self = w.who(user, "ownsession");
                assertThat(api.delete("/api/v1/me/sessions/" + session, token).status()).isEqualTo(204);
                return w.expect("SESSION_REVOKED", self, "session", session, "ownsession", List.of("/by", "/current"));
            };
        }));
        rows.add(new Row("REAUTHENTICATED", w -> {
            UUID user = w.staff("proving", "front_desk");
            String token = w.login("proving");
            return () -> {
                Who self = w.who(user, "proving");
                assertThat(api.post("/api/v1/me/reauthenticate", token, json("password", PASSWORD)).status())
                        .isEqualTo(204);
                return withCompanions(w.expect("REAUTHENTICATED", self, "user", user, "proving", List.of("/method")),
                        List.of(), List.of(PASSWORD));
            };
        }));
        rows.add(new Row("MFA_ENROLMENT_STARTED", w -> {
            UUID user = w.staff("enrolling", "front_desk");
            String token = w.login("enrolling");
            return () -> {
                Who self = w.who(user, "enrolling");
                Response enrolment = api.post("/api/v1/me/mfa/totp", token, "{}");
                assertThat(enrolment.status()).as(enrolment.raw()).isEqualTo(200);
                return withCompanions(w.expect("MFA_ENROLMENT_STARTED", self, "user", user, "enrolling",
                        List.of("/method")), List.of(), List.of(enrolment.text("/secret")));
            };
        }));
        rows.add(new Row("MFA_ENABLED", w -> {
            UUID user = w.staff("confirming", "front_desk");
            String token = w.login("confirming");
            String secret = api.post("/api/v1/me/mfa/totp", token, "{}").text("/secret");
            return () -> {
                Who self = w.who(user, "confirming");
                String code = totp(secret);
                Response confirmed = api.post("/api/v1/me/mfa/totp/confirm", token, json("code", code));
                assertThat(confirmed.status()).as(confirmed.raw()).isEqualTo(200);
                List<String> secrets = new ArrayList<>(List.of(secret, code));
                confirmed.body().at("/recoveryCodes").forEach(recovery -> secrets.add(recovery.asString()));
                return withCompanions(w.expect("MFA_ENABLED", self, "user", user, "confirming", List.of("/method")),
                        List.of(), secrets);
            };
        }));
        rows.add(new Row("MFA_CHALLENGE_ISSUED", w -> {
            UUID user = w.staff("twostep", "front_desk");
            enrolled(w, "twostep");
            return () -> {
                Who self = w.who(user, "twostep");
                Response first = login(w, "twostep", PASSWORD);
                assertThat(first.body().at("/mfaRequired").asBoolean()).as(first.raw()).isTrue();
                return withCompanions(w.expect("MFA_CHALLENGE_ISSUED", self, "user", user, "twostep",
                        List.of("/secondFactor")), List.of(), List.of(PASSWORD, first.text("/mfaToken")));
            };
        }));
        rows.add(new Row("LOGIN_SUCCEEDED (second factor)", w -> {
            UUID user = w.staff("recovering", "front_desk");
            List<String> recovery = enrolled(w, "recovering");
            String mfaToken = login(w, "recovering", PASSWORD).text("/mfaToken");
            return () -> {
                Who self = w.who(user, "recovering");
                Response signed = api.post("/api/v1/auth/mfa", null, json("mfaToken", mfaToken, "code", recovery.get(0)));
                assertThat(signed.status()).as(signed.raw()).isEqualTo(200);
                return withCompanions(w.expect("LOGIN_SUCCEEDED", self, "user", user, "recovering",
                        List.of("/method", "/secondFactor")), List.of(),
                        List.of(mfaToken, recovery.get(0), signed.text("/token")));
            };
        }));
        rows.add(new Row("MFA_DISABLED", w -> {
            UUID user = w.staff("removing", "front_desk");
            List<String> recovery = enrolled(w, "removing");
            Response first = login(w, "removing", PASSWORD);
            String token = api.post("/api/v1/auth/mfa", null, json("mfaToken", first.text("/mfaToken"), "code",
                    recovery.get(1))).text("/token");
            assertThat(api.post("/api/v1/me/reauthenticate", token, json("password", PASSWORD)).status()).isEqualTo(204);
            return () -> {
                Who self = w.who(user, "removing");
                assertThat(api.delete("/api/v1/me/mfa", token).status()).isEqualTo(204);
                return w.expect("MFA_DISABLED", self, "user", user, "removing", List.of("/by"));
            };
        }));
        rows.add(new Row("RECOVERY_CODES_REGENERATED", w -> {
            UUID user = w.staff("newcodes", "front_desk");
            List<String> recovery = enrolled(w, "newcodes");
            Response first = login(w, "newcodes", PASSWORD);
            String token = api.post("/api/v1/auth/mfa", null, json("mfaToken", first.text("/mfaToken"), "code",
                    recovery.get(1))).text("/token");
            assertThat(api.post("/api/v1/me/reauthenticate", token, json("password", PASSWORD)).status()).isEqualTo(204);
            return () -> {
                Who self = w.who(user, "newcodes");
                Response fresh = api.post("/api/v1/me/mfa/recovery-codes", token, "{}");
                assertThat(fresh.status()).as(fresh.raw()).isEqualTo(200);
                List<String> secrets = new ArrayList<>();
                fresh.body().at("/recoveryCodes").forEach(code -> secrets.add(code.asString()));
                return withCompanions(w.expect("RECOVERY_CODES_REGENERATED", self, "user", user, "newcodes",
                        List.of("/count")), List.of(), secrets);
            };
        }));
        rows.add(new Row("MFA_RESET", w -> {
            UUID user = w.staff("lostphone", "front_desk");
            enrolled(w, "lostphone");
            return () -> {
                Who admin = w.admin();
                assertThat(api.post(w.path("/users/" + user + "/mfa/reset"), w.tenant.adminToken(), "").status())
                        .isEqualTo(204);
                return w.expect("MFA_RESET", admin, "user", user, "lostphone", List.of("/by"));
            };
        }));
        rows.add(new Row("PERMISSION_DENIED", w -> {
            UUID user = w.staff("desk", "front_desk");
            return () -> {
                Who admin = w.admin();
                Response denied = api.post(w.path("/check"), w.tenant.adminToken(), json("user", "desk", "permission",
                        "settings.edit", "audit", true));
                assertThat(denied.body().at("/allowed").asBoolean()).as(denied.raw()).isFalse();
                return w.expect("PERMISSION_DENIED", admin, "user", user, "desk",
                        List.of("/permission", "/reason/code"));
            };
        }));
        rows.add(new Row("PERMISSION_DENIED (admin API)", w -> {
            UUID user = w.staff("nosy", "front_desk");
            String token = w.login("nosy");
            return () -> {
                Who self = w.who(user, "nosy");
                Response refused = api.patch(w.path("/settings"), token, "{\"sessionPolicy\": {\"idleMinutes\": 5}}");
                assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
                // settings.edit is asked about the tenant as a whole: no resource, so no target.
                return new Expected(w.tenant.id(), "PERMISSION_DENIED", self, null, null, null,
                        List.of("/permission", "/source", "/request", "/reason/code"), List.of(), List.of(token));
            };
        }));
        rows.add(new Row("IMPERSONATION_STARTED", w -> {
            UUID user = w.staff("impersonated", "front_desk");
            // A fresh sign-in: the operator must have proved their factor within the last 5 minutes.
            String operator = operatorToken();
            return () -> {
                Who op = w.who(platformId(), operatorId(), OPERATOR);
                Response started = api.post(w.path("/users/" + user + "/impersonation"), operator,
                        json("reason", "ticket 1: the schedule is empty"));
                assertThat(started.status()).as(started.raw()).isEqualTo(201);
                return withCompanions(w.expect("IMPERSONATION_STARTED", op, "user", user, "impersonated",
                        List.of("/reason", "/sessionId", "/expiresAt")), List.of(), List.of(started.text("/token")));
            };
        }));
        rows.add(new Row("IMPERSONATION_ENDED", w -> {
            UUID user = w.staff("impersonatedout", "front_desk");
            String token = api.post(w.path("/users/" + user + "/impersonation"), operatorToken(),
                    json("reason", "ticket 2: cannot sign documents")).text("/token");
            return () -> {
                Who self = w.who(user, "impersonatedout");
                assertThat(api.post("/api/v1/auth/logout", token, "").status()).isEqualTo(204);
                return withCompanions(w.expect("IMPERSONATION_ENDED", self, "user", user, "impersonatedout",
                        List.of("/sessionId", "/reason", "/operator/username", "/impersonatedBy/username")),
                        List.of("LOGOUT"), List.of(token));
            };
        }));
        rows.add(new Row("BREAK_GLASS", w -> {
            UUID user = w.staff("brokenglass", "front_desk");
            // The alert it raises is written after it by the alerts' own thread (BreakGlassIT proves it): quiet here.
            Response quiet = api.put(w.path("/alerts"), w.tenant.adminToken(),
                    json("rules", raw(World.QUIET_ALERTS)));
            assertThat(quiet.status()).as(quiet.raw()).isEqualTo(200);
            String operator = operatorToken();
            return () -> {
                Who op = w.who(platformId(), operatorId(), OPERATOR);
                Response done = api.post(w.path("/users/" + user + "/break-glass"), operator,
                        json("reason", "ticket 3: locked out before payroll"));
                assertThat(done.status()).as(done.raw()).isEqualTo(200);
                return withCompanions(w.expect("BREAK_GLASS", op, "user", user, "brokenglass",
                        List.of("/reason", "/previousStatus", "/failedLogins", "/sessionsEnded", "/resetLinkExpiresAt")),
                        List.of(), List.of(tokenOf(done.text("/resetUrl"))));
            };
        }));
        rows.add(new Row("AUDIT_EXPORTED", w -> () -> {
            Who admin = w.admin();
            Response exported = api.get(w.path("/audit/export?format=jsonl&action=LOGOUT"), w.tenant.adminToken());
            assertThat(exported.status()).isEqualTo(200);
            return new Expected(w.tenant.id(), "AUDIT_EXPORTED", admin, null, null, null, List.of("/format"),
                    List.of(), List.of());
        }));
        rows.add(new Row("OUTBOX_MESSAGE_READ", w -> {
            String[] invited = w.invited("outboxed");
            String message = jdbc.sql("select id from mail_outbox where tenant_id = :tenant order by created_at desc limit 1")
                    .param("tenant", UUID.fromString(w.tenant.id())).query(UUID.class).single().toString();
            return () -> {
                Who operator = w.who(platformId(), operatorId(), OPERATOR);
                Response read = api.get("/api/v1/platform/outbox/" + message, w.operator);
                assertThat(read.status()).as(read.raw()).isEqualTo(200);
                return new Expected(platformId(), "OUTBOX_MESSAGE_READ", operator, "mail", message,
                        "outboxed@example.test", List.of("/tenant", "/kind"), List.of(), List.of(invited[1]));
            };
        }));
        rows.add(new Row("TENANT_UPDATED", w -> () -> {
            Who operator = w.who(platformId(), operatorId(), OPERATOR);
            Response renamed = api.patch("/api/v1/tenants/" + w.tenant.slug(), w.operator, json("name", "Renamed clinic"));
            assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
            return new Expected(w.tenant.id(), "TENANT_UPDATED", operator, "tenant", w.tenant.id(), w.tenant.slug(),
                    List.of("/before/name", "/after/name"), List.of(), List.of());
        }));
        // Issue 16: each on the tenant's trail too (TenantLifecycleIT); asserted here on the platform's, where a
        // tenant of its own (the shared one must stay active) leaves exactly one event per act.
        rows.add(new Row("TENANT_SUSPENDED", w -> {
            SignedInTenant other = SignedInTenant.create(api, w.operator, "clinic");
            return () -> lifecycle(w, other, json("status", "SUSPENDED", "reason", "unpaid"), "TENANT_SUSPENDED",
                    List.of("/before/status", "/after/status", "/reason"));
        }));
        rows.add(new Row("TENANT_REACTIVATED", w -> {
            SignedInTenant other = SignedInTenant.create(api, w.operator, "clinic");
            api.patch("/api/v1/tenants/" + other.slug(), w.operator, json("status", "SUSPENDED"));
            return () -> lifecycle(w, other, json("status", "ACTIVE"), "TENANT_REACTIVATED",
                    List.of("/before/status", "/after/status"));
        }));
        rows.add(new Row("TENANT_MOVED", w -> {
            SignedInTenant other = SignedInTenant.create(api, w.operator, "clinic");
            return () -> lifecycle(w, other, json("parent", w.tenant.slug()), "TENANT_MOVED",
                    List.of("/before/parent", "/after/parent"));
        }));
        rows.add(new Row("TENANT_DELETED", w -> {
            SignedInTenant other = SignedInTenant.create(api, w.operator, "clinic");
            api.patch("/api/v1/tenants/" + other.slug(), w.operator, json("status", "SUSPENDED"));
            return () -> {
                Response deleted = api.delete("/api/v1/tenants/" + other.slug(), w.operator);
                assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
                return new Expected(platformId(), "TENANT_DELETED", w.who(platformId(), operatorId(), OPERATOR),
                        "tenant", other.id(), other.slug(), List.of("/name", "/archive/name", "/archive/sha256"),
                        List.of(), List.of());
            };
        }));
        rows.add(new Row("USERS_EXPORTED", w -> () -> {
            Who admin = w.admin();
            Response exported = api.get(w.path("/users/export?status=ACTIVE"), w.tenant.adminToken());
            assertThat(exported.status()).as(exported.raw()).isEqualTo(200);
            return new Expected(w.tenant.id(), "USERS_EXPORTED", admin, null, null, null,
                    List.of("/format", "/filters/status", "/rows"), List.of(), List.of());
        }));
        return rows;
    }

    /** Enrols and confirms an authenticator for the staff member; answers their recovery codes. */
    private List<String> enrolled(World w, String username) {
        String token = w.login(username);
        String secret = api.post("/api/v1/me/mfa/totp", token, "{}").text("/secret");
        Response confirmed = api.post("/api/v1/me/mfa/totp/confirm", token, json("code", totp(secret)));
        assertThat(confirmed.status()).as(confirmed.raw()).isEqualTo(200);
        List<String> codes = new ArrayList<>();
        confirmed.body().at("/recoveryCodes").forEach(code -> codes.add(code.asString()));
        return codes;
    }

    private Row userAction(String action, String path, List<String> pointers) {
        return new Row(action, w -> {
            String username = action.toLowerCase(java.util.Locale.ROOT).replace("_", "");
            UUID user = w.staff(username, "front_desk");
            return () -> {
                Who admin = w.admin();
                Response done = api.post(w.path("/users/" + user + path), w.tenant.adminToken(), "");
                assertThat(done.status()).as(done.raw()).isEqualTo(200);
                return w.expect(action, admin, "user", user, username, pointers);
            };
        });
    }

    private String location(World w, String name) {
        Response created = api.post(w.path("/locations"), w.tenant.adminToken(), json("name", name));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/id");
    }

    private void createRole(World w, String key) {
        Response created = api.post(w.path("/roles"), w.tenant.adminToken(), json("key", key, "name", "Role " + key,
                "grants", raw("[{\"permission\": \"appointments.read\"}]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
    }

    private Response login(World w, String username, String password) {
        return api.post("/api/v1/auth/login", null, json("tenant", w.tenant.slug(), "username", username, "password",
                password));
    }

    private static Expected withCompanions(Expected expected, List<String> companions, List<String> secrets) {
        return new Expected(expected.tenant(), expected.action(), expected.actor(), expected.targetType(),
                expected.targetId(), expected.targetName(), expected.detailPointers(), companions, secrets);
    }

    private String platformId() {
        return jdbc.sql("select id from tenants where slug = 'platform'").query(UUID.class).single().toString();
    }

    private UUID operatorId() {
        return jdbc.sql("select id from users where tenant_id = :tenant and username = :name")
                .param("tenant", UUID.fromString(platformId())).param("name", OPERATOR).query(UUID.class).single();
    }

    private long lastSeq(String tenant) {
        return jdbc.sql("select coalesce(max(seq), 0) from audit_events where tenant_id = :tenant")
                .param("tenant", UUID.fromString(tenant)).query(Long.class).single();
    }

    private List<Stored> since(String tenant, long seq) {
        return jdbc.sql("""
                        select seq, action, actor_id, actor_username, actor_roles, target_type, target_id, target_name,
                               ip, user_agent, details::text as details, row_to_json(e)::text as whole
                        from audit_events e where tenant_id = :tenant and seq > :seq order by seq
                        """)
                .param("tenant", UUID.fromString(tenant)).param("seq", seq)
                .query((rs, n) -> new Stored(rs.getLong("seq"), rs.getString("action"),
                        rs.getObject("actor_id", UUID.class), rs.getString("actor_username"),
                        List.of((String[]) rs.getArray("actor_roles").getArray()), rs.getString("target_type"),
                        rs.getString("target_id"), rs.getString("target_name"), rs.getString("ip"),
                        rs.getString("user_agent"), JSON.readTree(rs.getString("details")), rs.getString("whole")))
                .list();
    }

    static String tokenOf(String url) {
        String query = URI.create(url).getQuery();
        return query.substring(query.indexOf("token=") + "token=".length());
    }

    /** The code an authenticator app shows now for the base32 {@code secret}. */
    private static String totp(String secret) {
        return new TestMembers.Authenticator(TestMembers.base32(secret), List.of()).code(0);
    }

    /** A profile photo's PUT: a PNG signature and a little filler is all the checks look at. */
    private Response putPng(String path, String token) {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
        return api.send(path, token, request -> request.header("Content-Type", "image/png")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(png)));
    }
}
