package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.EventStream;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SecondNode;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code GET …/changes} (issue 14, docs/changes.md): what can alter a decision reaches a tenant's
 * stream, from any node, and nothing of another tenant's; a client resumes from a version, or is told
 * to reload; the stream ends with its credential. Node B runs with short heartbeats and a cap of two
 * streams per tenant.
 */
class ChangeStreamIT extends IntegrationTest {

    /** How long a test waits for an event that should come; generous, since the suite shares two cores. */
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static SecondNode nodeB;

    @Autowired
    private ChangeLog changeLog;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** The test JVM's shared node: heartbeats every 0.3 s, at most two streams per tenant. */
    @BeforeAll
    static void secondNode(@Autowired DataSource dataSource) {
        nodeB = SecondNode.shared(dataSource);
    }

    @Test
    void saysHelloFirstThenARoleChangeArrivesAsAPolicyChange() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), clinic.adminToken())) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.http().headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            EventStream.Event hello = stream.next(WAIT);
            assertThat(hello.name()).isEqualTo("hello");
            long helloVersion = hello.data().path("version").asLong();
            assertThat(helloVersion).as("the tenant's creation was a change").isPositive();

            createRole(api, clinic, "night_nurse");

            EventStream.Event change = fresh(stream, helloVersion);
            assertThat(change.data().path("kind").asString()).isEqualTo("POLICY");
            assertThat(change.data().has("user")).isFalse();
            assertThat(change.data().path("version").asLong()).isGreaterThan(helloVersion);
            assertThat(change.id()).isEqualTo(change.data().path("version").asString());
        }
    }

    @Test
    void aRoleAssignmentAndALockArriveAsSubjectChangesOfThatUser() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), clinic.adminToken())) {
            long hello = versionOf(stream.next("hello", WAIT));

            assertThat(api.post(clinic.path("/users/" + ann.id() + "/roles"), clinic.adminToken(),
                    json("role", "billing")).status()).isEqualTo(201);
            assertChange(fresh(stream, hello), "SUBJECT", ann.id());

            assertThat(api.post(clinic.path("/users/" + ann.id() + "/lock"), clinic.adminToken(), "").status())
                    .isEqualTo(200);
            assertThat(changesUntil(stream, "SUBJECT", ann.id())).as("a SUBJECT change of dr.ann after the lock")
                    .isTrue();
        }
    }

    /**
     * Issue 17: the creation's change log row and its NOTIFY ride the statement that inserts the user; the
     * change carries that row's version, and a creation refused for a taken username writes and sends nothing.
     */
    @Test
    void aCreationArrivesAsASubjectChangeWithItsLogRowsVersionAndARefusedOneSendsNothing() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), clinic.adminToken())) {
            long hello = versionOf(stream.next("hello", WAIT));

            ApiClient.Response created = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "nova",
                    "firstName", "Nova", "lastName", "Vance", "email", "nova@example.com"));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            String nova = created.text("/id");
            EventStream.Event change = fresh(stream, hello);
            assertChange(change, "SUBJECT", nova);
            assertThat(jdbc.sql("select version from access_change_log where user_id = cast(:user as uuid)")
                    .param("user", nova).query(Long.class).list())
                    .as("one row, whose version the change carries").containsExactly(versionOf(change));

            long rows = logRows(clinic);
            ApiClient.Response taken = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "nova",
                    "firstName", "Nova", "lastName", "Other", "email", "other.nova@example.com"));
            assertThat(taken.status()).as(taken.raw()).isEqualTo(409);
            assertThat(logRows(clinic)).as("the refused creation logged nothing").isEqualTo(rows);
            createRole(api, clinic, "night_nurse");
            assertThat(fresh(stream, versionOf(change)).data().path("kind").asString())
                    .as("the next change is the role's: the refused creation sent none").isEqualTo("POLICY");
        }
    }

    private long logRows(SignedInTenant tenant) {
        return jdbc.sql("select count(*) from access_change_log where tenant_id = cast(:tenant as uuid)")
                .param("tenant", tenant.id()).query(Long.class).single();
    }

    @Test
    void aRenameArrivesAsASubjectChangeAndATimeZoneChangeAsAPolicyChange() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), clinic.adminToken())) {
            long hello = versionOf(stream.next("hello", WAIT));

            ApiClient.Response renamed = api.patch(clinic.path("/users/" + ann.id()), clinic.adminToken(),
                    json("username", "dr.ann.smith"));
            assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
            assertChange(fresh(stream, hello), "SUBJECT", ann.id());

            assertThat(api.patch(clinic.path("/settings"), clinic.adminToken(), json("timeZone", "Asia/Tokyo")).status())
                    .isEqualTo(200);
            assertThat(fresh(stream, hello).data().path("kind").asString()).isEqualTo("POLICY");
        }
    }

    @Test
    void aRelationshipWriteArrivesAsARelationsChangeOfThatUser() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), clinic.adminToken())) {
            long hello = versionOf(stream.next("hello", WAIT));

            assertThat(api.post(clinic.path("/relationships"), clinic.adminToken(), json("subject",
                    raw(json("type", "user", "id", ann.id())), "relation", "assigned_provider", "object",
                    raw(json("type", "patient", "id", "123")))).status()).isEqualTo(201);

            assertChange(fresh(stream, hello), "RELATIONS", ann.id());
        }
    }

    @Test
    void anotherTenantsChangesNeverArrive() {
        SignedInTenant mine = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, mine);
        try (EventStream stream = EventStream.open(port(), mine.path("/changes"), mine.adminToken())) {
            long hello = versionOf(stream.next("hello", WAIT));

            createRole(api, other, "their_role");
            TestMembers.member("dr.bob").holding("provider").create(api, other);
            assertThat(api.post(mine.path("/users/" + ann.id() + "/roles"), mine.adminToken(),
                    json("role", "billing")).status()).isEqualTo(201);

            // The other tenant's changes committed first: had they leaked, they would come first.
            assertChange(fresh(stream, hello), "SUBJECT", ann.id());
        }
    }

    @Test
    void sinceOrLastEventIdReplaysTheChangesMissedThenGoesLive() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        long seen;
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), clinic.adminToken())) {
            seen = versionOf(stream.next("hello", WAIT));
        }
        createRole(api, clinic, "missed_role");
        assertThat(api.post(clinic.path("/users/" + ann.id() + "/roles"), clinic.adminToken(),
                json("role", "billing")).status()).isEqualTo(201);

        try (EventStream bySince = EventStream.open(port(), clinic.path("/changes?since=" + seen), clinic.adminToken());
                EventStream byHeader = EventStream.open(port(), clinic.path("/changes"), clinic.adminToken(),
                        Map.of("Last-Event-ID", Long.toString(seen)))) {
            for (EventStream stream : List.of(bySince, byHeader)) {
                EventStream.Event hello = stream.next(WAIT);
                assertThat(hello.name()).isEqualTo("hello");
                assertThat(hello.data().path("version").asLong()).isGreaterThan(seen);
                assertThat(missedKinds(stream, seen, 2)).containsExactly("POLICY", "SUBJECT:" + ann.id());
            }
            long replayed = api.get(clinic.path("/decisions/policy"), clinic.adminToken()).body().path("version").asLong();
            createRole(api, clinic, "live_role");
            // A change heard live while the replay was read may come twice; the live one is newer than all of them.
            EventStream.Event live = bySince.next("change", WAIT);
            while (live.data().path("version").asLong() <= replayed) {
                live = bySince.next("change", WAIT);
            }
            assertThat(live.data().path("kind").asString()).isEqualTo("POLICY");
        }
    }

    @Test
    void aClientAskingFromBeforeThePruneWindowIsToldToReset() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        long first;
        long newest;
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), clinic.adminToken())) {
            long hello = versionOf(stream.next("hello", WAIT));
            createRole(api, clinic, "first_role");
            first = versionOf(fresh(stream, hello));
            createRole(api, clinic, "second_role");
            newest = versionOf(fresh(stream, hello));
        }

        assertThat(changeLog.prune(Duration.ZERO)).isPositive();

        try (EventStream stream = EventStream.open(port(), clinic.path("/changes?since=" + (first - 1)),
                clinic.adminToken())) {
            assertThat(stream.next(WAIT).name()).isEqualTo("hello");
            EventStream.Event reset = stream.next(WAIT);
            assertThat(reset.name()).isEqualTo("reset");
            assertThat(reset.data().path("version").asLong()).as("the tenant's newest is kept").isEqualTo(newest);
        }
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes?since=" + (newest + 1_000_000)),
                clinic.adminToken())) {
            assertThat(stream.next(WAIT).name()).isEqualTo("hello");
            assertThat(stream.next(WAIT).name()).as("a version from the future").isEqualTo("reset");
        }
    }

    @Test
    void aChangeMadeOnTheSecondNodeArrivesOnTheFirstNodesStream() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), clinic.adminToken())) {
            long hello = versionOf(stream.next("hello", WAIT));

            createRole(new ApiClient(nodeB.port()), clinic, "made_on_b");

            assertThat(fresh(stream, hello).data().path("kind").asString()).isEqualTo("POLICY");
        }
    }

    @Test
    void heartbeatsCarryTheNewestVersionTheStreamKnows() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        try (EventStream stream = EventStream.open(nodeB.port(), clinic.path("/changes"), clinic.adminToken())) {
            long hello = versionOf(stream.next("hello", WAIT));
            assertThat(stream.next("heartbeat", WAIT).data().path("version").asLong()).isEqualTo(hello);

            createRole(api, clinic, "beat_role");
            long change = versionOf(fresh(stream, hello));
            assertThat(stream.next("heartbeat", WAIT).data().path("version").asLong()).isEqualTo(change);
        }
    }

    @Test
    void aRevokedKeysStreamIsClosed() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ApiClient.Response key = api.post(clinic.path("/api-keys"), clinic.adminToken(), json("name", "ehr",
                "scopes", raw("[\"access.check\"]")));
        assertThat(key.status()).as(key.raw()).isEqualTo(201);
        streamOnNodeBEndsWhen(clinic, key.text("/key"), () -> assertThat(api.delete(clinic.path("/api-keys/"
                + key.text("/id")), clinic.adminToken()).status()).isEqualTo(204));
    }

    @Test
    void aSignedOutSessionsStreamIsClosed() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String session = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        streamOnNodeBEndsWhen(clinic, session,
                () -> assertThat(api.post("/api/v1/auth/logout", session, "").status()).isEqualTo(204));
    }

    @Test
    void aLockedUsersKeyStreamIsClosed() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member boss = TestMembers.member("boss").holding("owner").create(api, clinic);
        ApiClient.Response key = api.post(clinic.path("/api-keys"), boss.token(), json("name", "boss's script",
                "scopes", raw("[\"access.check\"]")));
        assertThat(key.status()).as(key.raw()).isEqualTo(201);
        streamOnNodeBEndsWhen(clinic, key.text("/key"), () -> assertThat(api.post(clinic.path("/users/" + boss.id()
                + "/lock"), clinic.adminToken(), "").status()).isEqualTo(200));
    }

    @Test
    void aNodeWhoseListenerLostItsConnectionTellsItsStreamsToReset() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), clinic.adminToken())) {
            long hello = versionOf(stream.next("hello", WAIT));

            // Every node's listener connection goes (this database's nodes: not another test JVM's, nor
            // another database's on a shared server); each reconnects, and may have missed a change meanwhile.
            assertThat(jdbc.sql("""
                            select count(pg_terminate_backend(pid)) from pg_stat_activity
                            where query = 'listen ' || :channel and pid <> pg_backend_pid()
                              and datname = current_database()
                            """).param("channel", AccessChanges.CHANNEL).query(Long.class).single()).isPositive();

            EventStream.Event reset = stream.next("reset", WAIT);
            assertThat(reset.data().path("version").asLong()).isEqualTo(hello);
            createRole(api, clinic, "after_reconnect");
            assertThat(fresh(stream, hello).data().path("kind").asString()).as("live again").isEqualTo("POLICY");
        }
    }

    @Test
    void holdingAStreamDoesNotKeepAnIdleSessionAliveAndItsEndEndsTheStream() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String session = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        try (EventStream stream = EventStream.open(port(), clinic.path("/changes"), session)) {
            assertThat(stream.next(WAIT).name()).isEqualTo("hello");
            assertThat(stream.next("heartbeat", WAIT).name()).as("checked once while in use").isEqualTo("heartbeat");

            // The tenant's default idle limit is 30 minutes; only the stream was open meanwhile.
            clock.moveAhead(Duration.ofMinutes(31));

            assertThat(stream.ended(WAIT)).as("the idle session's stream ended at a heartbeat").isTrue();
        }
        assertThat(api.get("/api/v1/me", session).status()).as("and the session with it").isEqualTo(401);
    }

    @Test
    void aTenantOverItsCapOfStreamsGets429WithRetryAfter() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        try (EventStream one = EventStream.open(nodeB.port(), clinic.path("/changes"), clinic.adminToken());
                EventStream two = EventStream.open(nodeB.port(), clinic.path("/changes"), clinic.adminToken());
                EventStream three = EventStream.open(nodeB.port(), clinic.path("/changes"), clinic.adminToken())) {
            assertThat(one.next(WAIT).name()).isEqualTo("hello");
            assertThat(two.next(WAIT).name()).isEqualTo("hello");

            assertThat(three.status()).isEqualTo(429);
            assertThat(three.http().headers().firstValue("Retry-After")).isPresent();
            assertThat(three.body()).contains("change streams open");
        }
    }

    @Test
    void onlyHoldersOfAccessCheckOfTheTenantMayStream() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);

        try (EventStream refused = EventStream.open(port(), clinic.path("/changes"), ann.token());
                EventStream foreign = EventStream.open(port(), clinic.path("/changes"), other.adminToken());
                EventStream bad = EventStream.open(port(), clinic.path("/changes?since=yesterday"), clinic.adminToken())) {
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains("access.check");
            assertThat(foreign.status()).isEqualTo(404);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("since");
        }
    }

    /** A stream on node B with {@code credential} streams (heartbeats come), then ends once {@code act} is done. */
    private static void streamOnNodeBEndsWhen(SignedInTenant clinic, String credential, Runnable act) {
        try (EventStream stream = EventStream.open(nodeB.port(), clinic.path("/changes"), credential)) {
            assertThat(stream.next(WAIT).name()).isEqualTo("hello");
            assertThat(stream.next("heartbeat", WAIT).name()).as("the credential streams").isEqualTo("heartbeat");

            act.run();

            assertThat(stream.ended(WAIT)).as("node B closed the stream").isTrue();
        }
    }

    private static void createRole(ApiClient client, SignedInTenant tenant, String key) {
        ApiClient.Response created = client.post(tenant.path("/roles"), tenant.adminToken(), json("key", key, "name",
                "Role " + key, "description", "made by a test", "inherits", raw("[]"), "grants",
                raw("[{\"permission\": \"patients.read\"}]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
    }

    private static long versionOf(EventStream.Event event) {
        return event.data().path("version").asLong();
    }

    private static void assertChange(EventStream.Event change, String kind, String user) {
        assertThat(change.data().path("kind").asString()).as(change.data().toString()).isEqualTo(kind);
        assertThat(change.data().path("user").asString()).as(change.data().toString()).isEqualTo(user);
    }

    /**
     * The next change newer than {@code hello}: one committed just before the stream opened may still
     * be on its way to the node's listener, and comes live although the hello already counted it.
     */
    private static EventStream.Event fresh(EventStream stream, long hello) {
        EventStream.Event change = stream.next("change", WAIT);
        while (change.data().path("version").asLong() <= hello) {
            change = stream.next("change", WAIT);
        }
        return change;
    }

    /** Whether a change of {@code kind} for {@code user} arrives before the wait ends. */
    private static boolean changesUntil(EventStream stream, String kind, String user) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            EventStream.Event change = stream.next("change", Duration.ofNanos(deadline - System.nanoTime()));
            if (change.data().path("kind").asString().equals(kind) && change.data().path("user").asString().equals(user)) {
                return true;
            }
        }
        return false;
    }

    /** The next {@code count} changes after {@code since} (replayed older ones skipped), as kind or kind:user. */
    private static List<String> missedKinds(EventStream stream, long since, int count) {
        List<String> kinds = new ArrayList<>();
        while (kinds.size() < count) {
            EventStream.Event change = stream.next("change", WAIT);
            if (change.data().path("version").asLong() > since) {
                String user = change.data().path("user").asString("");
                kinds.add(change.data().path("kind").asString() + (user.isEmpty() ? "" : ":" + user));
            }
        }
        return kinds;
    }
}
