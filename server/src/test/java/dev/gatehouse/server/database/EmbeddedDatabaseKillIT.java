package dev.gatehouse.server.database;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.GatehouseApplication;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedded PostgreSQL's server process is killed (SIGKILL) under a concurrent write load
 * through the API, on a node of its own with the production settings (fsync and synchronous_commit
 * on): every write the API acknowledged is there afterwards, no audit sequence number is handed
 * out twice, the chain still verifies over every acknowledged event, and while the database is
 * down the node answers 503 with Retry-After at once, then recovers by itself (issue 11,
 * "Durability and self-healing").
 */
class EmbeddedDatabaseKillIT {

    private static final int WRITERS = 6;
    private static final Duration BEFORE_KILL = Duration.ofSeconds(3);
    /** The load stops this long after recovery, or at the latest {@link #AT_MOST} after the kill. */
    private static final Duration AFTER_RECOVERY = Duration.ofSeconds(2);
    private static final Duration AT_MOST = Duration.ofSeconds(25);
    private static final String PASSWORD = "a passphrase for the kill test";

    private final JsonMapper json = JsonMapper.builder().build();
    private ConfigurableApplicationContext node;
    private Path data;

    /** An answer of the API: when it came (ms after the kill; negative before it), what, how long it took. */
    record Answer(String what, long atMillis, int status, long tookMillis, boolean retryAfter) {}

    record CreatedUser(String id, String username) {}

    record Assigned(String userId, String assignmentId) {}

    record Recorded(long seq, String patient) {}

    @AfterEach
    void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        if (data != null) {
            EmbeddedDatabase.clearOrphan(data.resolve("postgres"));
        }
    }

    @Test
    void aKilledDatabaseComesBackWithEveryAcknowledgedWriteAndNoAuditSequenceNumberTwice() throws Exception {
        data = Files.createTempDirectory("gatehouse-kill-it-");
        // Arguments, not default properties, which application.properties (server.port=8080) would override.
        // As GatehouseApplication.main runs it: the embedded PostgreSQL started in parallel with the context.
        node = new SpringApplicationBuilder(GatehouseApplication.class).listeners(new EarlyEmbeddedDatabase()).run(
                "--server.port=0",
                "--spring.jmx.enabled=false",
                "--gatehouse.data-dir=" + data,
                "--gatehouse.audit.purge-cron=-",
                "--gatehouse.audit.archive-dir=" + data.resolve("archive"),
                "--gatehouse.admin.username=" + IntegrationTest.OPERATOR,
                "--gatehouse.admin.password=" + IntegrationTest.OPERATOR_PASSWORD,
                "--gatehouse.passwords.argon2.memory-kib=64",
                "--gatehouse.passwords.argon2.iterations=1");
        ApiClient api = new ApiClient(Integer.parseInt(node.getEnvironment().getProperty("local.server.port")));
        SignedInTenant clinic = SignedInTenant.create(api, api.login("platform", IntegrationTest.OPERATOR,
                IntegrationTest.OPERATOR_PASSWORD), "clinic");
        Path postgres = data.resolve("postgres");
        try (Connection connection = node.getBean(DataSource.class).getConnection();
                Statement statement = connection.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (ResultSet shown = statement.executeQuery("show " + setting)) {
                    assertThat(shown.next()).isTrue();
                    assertThat(shown.getString(1)).as(setting).isEqualTo("on");
                }
            }
        }
        long killedPid = pidOf(postgres);

        Queue<Answer> answers = new ConcurrentLinkedQueue<>();
        Queue<CreatedUser> users = new ConcurrentLinkedQueue<>();
        Queue<Assigned> assignments = new ConcurrentLinkedQueue<>();
        Queue<Recorded> events = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        ExecutorService load = Executors.newFixedThreadPool(WRITERS + 1);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            running.add(load.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String username = "w" + writer + "-" + i;
                    ApiClient.Response created = timed(answers, killedAt, "create user", () -> api.post(
                            clinic.path("/users"), clinic.adminToken(), json("username", username, "firstName", "Kill",
                                    "lastName", "Test", "password", PASSWORD)));
                    if (created != null && created.status() == 201) {
                        String id = created.text("/id");
                        users.add(new CreatedUser(id, username));
                        ApiClient.Response assigned = timed(answers, killedAt, "assign role", () -> api.post(
                                clinic.path("/users/" + id + "/roles"), clinic.adminToken(), json("role", "billing")));
                        if (assigned != null && assigned.status() == 201) {
                            assignments.add(new Assigned(id, assigned.text("/id")));
                        }
                    }
                    String patient = "p-" + writer + "-" + i;
                    ApiClient.Response recorded = timed(answers, killedAt, "audit event", () -> api.post(
                            clinic.path("/audit/events"), clinic.adminToken(), json("action", "PATIENT_RECORD_VIEWED",
                                    "user", clinic.adminId(), "resource", raw(json("type", "patient", "id", patient)))));
                    if (recorded != null && recorded.status() == 201) {
                        events.add(new Recorded(recorded.body().get("seq").asLong(), patient));
                    }
                }
            }));
        }
        // Health is asked every 100 ms without waiting for the previous answer: a request that began
        // before the node noticed the kill waits for a connection (up to the pool's 2.5 s), and a poller
        // waiting with it would miss the node's DOWN answers once it has noticed.
        ExecutorService health = Executors.newCachedThreadPool();
        running.add(load.submit(() -> {
            while (!stop.get()) {
                health.submit(() -> timed(answers, killedAt, "health", () -> api.get("/actuator/health", null)));
                sleep(100);
            }
        }));

        Thread.sleep(BEFORE_KILL.toMillis());
        killedAt.set(System.nanoTime());
        assertThat(ProcessHandle.of(killedPid).map(ProcessHandle::destroyForcibly)).as("SIGKILL to the postmaster")
                .contains(true);
        long deadline = killedAt.get() + AT_MOST.toNanos();
        long recovered = 0;
        while (System.nanoTime() < deadline) {
            // Healthy again: a health answer of 200 after one of 503 (DOWN) since the kill.
            long down = answers.stream().filter(a -> a.what().equals("health") && a.atMillis() >= 0
                    && a.status() == 503).mapToLong(Answer::atMillis).min().orElse(Long.MAX_VALUE);
            if (recovered == 0 && answers.stream().anyMatch(a -> a.what().equals("health") && a.atMillis() > down
                    && a.status() == 200)) {
                recovered = System.nanoTime();
            }
            if (recovered != 0 && System.nanoTime() - recovered > AFTER_RECOVERY.toNanos()) {
                break;
            }
            Thread.sleep(50);
        }
        stop.set(true);
        load.shutdown();
        assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        health.shutdown();
        assertThat(health.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        for (Future<?> writer : running) {
            writer.get();
        }

        List<Answer> afterKill = answers.stream().filter(a -> a.atMillis() >= 0).toList();
        Map<Integer, Long> statuses = new HashMap<>();
        afterKill.forEach(a -> statuses.merge(a.status(), 1L, Long::sum));
        System.out.printf("kill test: %d users, %d assignments, %d events acknowledged; answers after the kill by "
                + "status %s; slowest %d ms; first 2xx write after the kill at %s ms%n", users.size(),
                assignments.size(), events.size(), statuses,
                afterKill.stream().mapToLong(Answer::tookMillis).max().orElse(0),
                afterKill.stream().filter(a -> !a.what().equals("health") && a.status() / 100 == 2
                        && a.atMillis() > 500).mapToLong(Answer::atMillis).min().orElse(-1));

        Map<Long, Map<Integer, Long>> timeline = new java.util.TreeMap<>();
        afterKill.forEach(a -> timeline.computeIfAbsent(a.atMillis() / 500 * 500, at -> new java.util.TreeMap<>())
                .merge(a.status(), 1L, Long::sum));
        System.out.println("kill test: answers by half second after the kill (ms -> status=count): " + timeline);

        assertThat(recovered).as("the node answered 503 and then healthy again within %s", AT_MOST).isNotZero();
        assertThat(pidOf(postgres)).as("a new postmaster").isNotEqualTo(killedPid);
        assertThat(statuses.keySet()).as("after the kill: served, or refused at once with 503; never a 500")
                .isSubsetOf(200, 201, 503);
        assertThat(afterKill).filteredOn(a -> !a.what().equals("health") && a.status() == 503)
                .allMatch(Answer::retryAfter, "has Retry-After");
        assertThat(afterKill).allMatch(a -> a.tookMillis() < 5_000, "answered within 5 s");
        assertThat(afterKill).filteredOn(a -> a.what().equals("health")).extracting(Answer::status).contains(503, 200);
        assertThat(afterKill).filteredOn(a -> !a.what().equals("health") && a.status() == 201)
                .as("writes succeed again after recovery").isNotEmpty();

        for (CreatedUser user : users) {
            ApiClient.Response read = api.get(clinic.path("/users/" + user.id()), clinic.adminToken());
            assertThat(read.status()).as("acknowledged user %s", user.username()).isEqualTo(200);
            assertThat(read.text("/username")).isEqualTo(user.username());
        }
        for (Assigned assigned : assignments) {
            ApiClient.Response roles = api.get(clinic.path("/users/" + assigned.userId() + "/roles"),
                    clinic.adminToken());
            assertThat(roles.raw()).as("acknowledged assignment %s", assigned.assignmentId())
                    .contains(assigned.assignmentId());
        }
        ApiClient.Response export = api.get(clinic.path("/audit/export?format=jsonl"), clinic.adminToken());
        assertThat(export.status()).as(export.raw()).isEqualTo(200);
        List<Long> exported = new ArrayList<>();
        Map<Long, String> patients = new HashMap<>();
        for (String line : export.raw().split("\n")) {
            JsonNode event = json.readTree(line);
            long seq = event.get("seq").asLong();
            exported.add(seq);
            if (event.at("/target/type").asString("").equals("patient")) {
                patients.put(seq, event.at("/target/id").asString());
            }
        }
        assertThat(new HashSet<>(exported)).as("no sequence number twice").hasSameSizeAs(exported);
        for (Recorded event : events) {
            assertThat(patients.get(event.seq())).as("acknowledged event %d, not reused for another", event.seq())
                    .isEqualTo(event.patient());
        }
        JsonNode verified = api.get(clinic.path("/audit/verify"), clinic.adminToken()).body();
        long highest = events.stream().mapToLong(Recorded::seq).max().orElseThrow();
        assertThat(verified.get("ok").asBoolean()).as(verified.toString()).isTrue();
        assertThat(verified.get("fromSeq").asLong() + verified.get("events").asLong() - 1)
                .as("the verified chain covers every acknowledged event").isGreaterThanOrEqualTo(highest);
        Set<Long> acknowledged = new HashSet<>(events.stream().map(Recorded::seq).toList());
        assertThat(acknowledged).as("no sequence number acknowledged twice").hasSameSizeAs(events);
    }

    /** Calls and records the answer, stamped with when it came relative to the kill. */
    private static ApiClient.Response timed(Queue<Answer> answers, AtomicLong killedAt, String what,
            Supplier<ApiClient.Response> call) {
        long start = System.nanoTime();
        ApiClient.Response response;
        int status;
        try {
            response = call.get();
            status = response.status();
        } catch (RuntimeException e) {
            response = null;
            status = -1;
        }
        long end = System.nanoTime();
        long killed = killedAt.get();
        answers.add(new Answer(what, killed == Long.MAX_VALUE || end < killed ? -1 : TimeUnit.NANOSECONDS.toMillis(end - killed),
                status, TimeUnit.NANOSECONDS.toMillis(end - start),
                response != null && response.http().headers().firstValue("Retry-After").isPresent()));
        return response;
    }

    private static long pidOf(Path postgres) throws IOException {
        return Long.parseLong(Files.readAllLines(postgres.resolve("postmaster.pid"), StandardCharsets.UTF_8).getFirst()
                .strip());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
