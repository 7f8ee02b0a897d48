package dev.gatehouse.server.audittrail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.audit.ChainVerifier;
import dev.gatehouse.server.audit.OfflineArchive;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit retention purge (issue 5, docs/audit.md "Retention"). Years pass on the {@link TestClock}:
 * a clinic's first events are written now, later ones a year on, and the purge runs years later.
 */
class RetentionIT extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Past one year of retention (P1Y), whatever the leap days, and well short of two. */
    private static final Duration PAST_A_YEAR = Duration.ofDays(380);

    @Autowired
    TestClock clock;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ChainVerifier verifier;
    @Autowired
    RetentionPurge retention;
    @Autowired
    RetentionJob job;
    @Autowired
    PlatformTransactionManager transactionManager;

    private SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @AfterEach
    void putTheClockBack() {
        clock.reset();
    }

    private TenantId tenant() {
        return new TenantId(UUID.fromString(clinic.id()));
    }

    private long newest() {
        return jdbc.sql("select max(seq) from audit_events where tenant_id = :t").param("t", tenant().value())
                .query(Long.class).single();
    }

    private List<Long> storedSeqs() {
        return jdbc.sql("select seq from audit_events where tenant_id = :t order by seq").param("t", tenant().value())
                .query(Long.class).list();
    }

    private List<JsonNode> checkpoints() {
        return jdbc.sql("select details::text from audit_events where tenant_id = :t and action = 'AUDIT_PURGED'"
                        + " order by seq").param("t", tenant().value()).query(String.class).list()
                .stream().map(JSON::readTree).toList();
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(archiveDirectory())) {
            return files.filter(file -> file.getFileName().toString().startsWith("audit-" + clinic.id() + "-"))
                    .filter(file -> file.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    /** Moves the clock {@code ahead}, signs the admin in there and records one data-access event. */
    private String activityAt(Duration ahead) {
        clock.moveAhead(ahead);
        String token = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        Response recorded = api.post(clinic.path("/audit/events"), token, json("action", "PATIENT_RECORD_VIEWED",
                "user", SignedInTenant.ADMIN, "resource", raw(json("type", "patient", "id", "p-1"))));
        assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
        return token;
    }

    private void keepFor(String period) {
        Response changed = api.patch(clinic.path("/settings"), clinic.adminToken(), json("auditRetention", period));
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
    }

    private Response purge(String token) {
        return api.post(clinic.path("/audit/purge"), token, "{}");
    }

    private void tamper(String sql) {
        new TransactionTemplate(transactionManager).executeWithoutResult(status -> {
            jdbc.sql("set local gatehouse.audit_purge = 'on'").update();
            jdbc.sql(sql).param("t", tenant().value()).update();
        });
    }

    @Test
    void eventsOlderThanTheRetentionPeriodAreArchivedAndRemovedAndYoungerOnesKept() throws Exception {
        keepFor("P1Y");
        long lastOfToday = newest();
        activityAt(PAST_A_YEAR.dividedBy(2));
        long firstOfLater = lastOfToday + 1;

        String token = activityAt(PAST_A_YEAR);
        Response purged = purge(token);

        assertThat(purged.status()).as(purged.raw()).isEqualTo(200);
        assertThat(purged.body().path("purged").asBoolean()).isTrue();
        assertThat(purged.body().path("fromSeq").asLong()).isEqualTo(1);
        assertThat(purged.body().path("throughSeq").asLong()).isEqualTo(lastOfToday);
        assertThat(purged.body().path("count").asLong()).isEqualTo(lastOfToday);
        assertThat(storedSeqs().getFirst()).isEqualTo(firstOfLater);

        String name = purged.text("/archive");
        assertThat(name).isEqualTo("audit-" + clinic.id() + "-1-" + lastOfToday + ".jsonl");
        Path archive = archiveDirectory().resolve(name);
        byte[] bytes = Files.readAllBytes(archive);
        assertThat(purged.text("/sha256")).isEqualTo(sha256(bytes));
        assertThat(Files.readString(archiveDirectory().resolve(name + ".sha256")))
                .isEqualTo(purged.text("/sha256") + "  " + name + "\n");
        List<String> lines = Files.readAllLines(archive);
        assertThat(JSON.readTree(lines.getFirst()).get("prevHash").asString()).matches("0{64}");
        assertThat(OfflineArchive.verify(tenant().value(), lines))
                .containsExactlyElementsOf(Stream.iterate(1L, seq -> seq + 1).limit(lastOfToday).toList());

        JsonNode checkpoint = checkpoints().getFirst();
        assertThat(checkpoint.path("throughSeq").asLong()).isEqualTo(lastOfToday);
        assertThat(checkpoint.path("count").asLong()).isEqualTo(lastOfToday);
        assertThat(checkpoint.path("lastRemoved").path("hash").asString())
                .isEqualTo(JSON.readTree(lines.getLast()).get("hash").asString());
        assertThat(checkpoint.path("archive").path("name").asString()).isEqualTo(name);
        assertThat(checkpoint.path("archive").path("sha256").asString()).isEqualTo(purged.text("/sha256"));
        assertThat(checkpoint.path("retention").asString()).isEqualTo("P1Y");

        Response verified = api.get(clinic.path("/audit/verify"), token);
        assertThat(verified.body().path("ok").asBoolean()).as(verified.raw()).isTrue();
        assertThat(verified.body().path("fromSeq").asLong()).isEqualTo(firstOfLater);
        assertThat(verified.body().path("checkpointSeq").asLong()).isEqualTo(purged.body().path("checkpointSeq").asLong());
        assertThat(verified.body().path("events").asLong()).isEqualTo(storedSeqs().size());
    }

    @Test
    void aPurgeWithNothingDueWritesNoEventAndNoFile() throws Exception {
        Response purged = purge(clinic.adminToken());

        assertThat(purged.status()).as(purged.raw()).isEqualTo(200);
        assertThat(purged.body().path("purged").asBoolean()).isFalse();
        assertThat(purged.body().path("count").asLong()).isZero();
        assertThat(purged.body().has("archive")).isFalse();
        assertThat(checkpoints()).isEmpty();
        assertThat(archives()).isEmpty();
        assertThat(storedSeqs().getFirst()).isEqualTo(1);
    }

    @Test
    void repeatedPurgesKeepTheNewestEventAndTheChainVerifiable() throws Exception {
        keepFor("P1Y");
        activityAt(PAST_A_YEAR.dividedBy(2));
        clock.moveAhead(PAST_A_YEAR);
        assertThat(retention.purge(tenant(), AuditLog.Actor.SYSTEM, null, null))
                .isInstanceOf(RetentionPurge.Purged.class);

        // Years later every event is old, the first checkpoint included.
        long newestReal = jdbc.sql("select max(seq) from audit_events where tenant_id = :t and action <> 'AUDIT_PURGED'")
                .param("t", tenant().value()).query(Long.class).single();
        long firstCheckpoint = newest();
        clock.moveAhead(PAST_A_YEAR.multipliedBy(3));
        RetentionPurge.Outcome second = retention.purge(tenant(), AuditLog.Actor.SYSTEM, null, null);

        assertThat(second).isInstanceOf(RetentionPurge.Purged.class);
        RetentionPurge.Purged purged = (RetentionPurge.Purged) second;
        assertThat(purged.range().throughSeq()).as("the newest event stays").isEqualTo(newestReal - 1);
        assertThat(storedSeqs()).containsExactly(newestReal, firstCheckpoint, purged.checkpoint().seq());
        ChainVerifier.Result verified = verifier.verify(tenant());
        assertThat(verified.ok()).isTrue();
        assertThat(verified.fromSeq()).isEqualTo(newestReal);
        assertThat(verified.checkpointSeq()).isEqualTo(purged.checkpoint().seq());
        List<String> lines = Files.readAllLines(archiveDirectory().resolve(purged.archive().name()));
        assertThat(OfflineArchive.verify(tenant().value(), lines)).first().isEqualTo(purged.range().fromSeq());

        clock.moveAhead(PAST_A_YEAR.multipliedBy(9));
        assertThat(retention.purge(tenant(), AuditLog.Actor.SYSTEM, null, null))
                .as("only the newest event and the checkpoints are left")
                .isInstanceOf(RetentionPurge.NothingDue.class);
        assertThat(checkpoints()).hasSize(2);
        assertThat(archives()).hasSize(2);
        assertThat(verifier.verify(tenant()).ok()).isTrue();
    }

    @Test
    void deletingTheFirstRowsWithoutACheckpointIsStillTampering() {
        tamper("delete from audit_events where tenant_id = :t and seq <= 2");

        ChainVerifier.Result verified = verifier.verify(tenant());

        assertThat(verified.ok()).isFalse();
        assertThat(verified.firstBadSeq()).isEqualTo(1);
        assertThat(verified.fromSeq()).isEqualTo(3);
        assertThat(verified.checkpointSeq()).isNull();
    }

    @Test
    void deletingMoreRowsThanTheCheckpointCoversIsTampering() {
        keepFor("P1Y");
        activityAt(PAST_A_YEAR.dividedBy(2));
        activityAt(PAST_A_YEAR.dividedBy(2));
        clock.moveAhead(PAST_A_YEAR);
        RetentionPurge.Purged purged = (RetentionPurge.Purged) retention.purge(tenant(), AuditLog.Actor.SYSTEM, null,
                null);
        long first = purged.range().throughSeq() + 1;

        tamper("delete from audit_events where tenant_id = :t and seq = " + first);

        ChainVerifier.Result verified = verifier.verify(tenant());
        assertThat(verified.ok()).isFalse();
        assertThat(verified.firstBadSeq()).isEqualTo(first);
    }

    @Test
    void changingTheCheckpointIsCaught() {
        keepFor("P1Y");
        activityAt(PAST_A_YEAR.dividedBy(2));
        clock.moveAhead(PAST_A_YEAR);
        RetentionPurge.Purged purged = (RetentionPurge.Purged) retention.purge(tenant(), AuditLog.Actor.SYSTEM, null,
                null);
        long checkpoint = purged.checkpoint().seq();

        tamper("update audit_events set details = jsonb_set(details, '{throughSeq}', '1') where tenant_id = :t"
                + " and seq = " + checkpoint);

        ChainVerifier.Result verified = verifier.verify(tenant());
        assertThat(verified.ok()).isFalse();
        assertThat(verified.firstBadSeq()).isEqualTo(checkpoint);
    }

    @Test
    void aBrokenChainIsNotPurged() throws Exception {
        keepFor("P1Y");
        tamper("update audit_events set ip = '198.51.100.1' where tenant_id = :t and seq = 2");
        clock.moveAhead(PAST_A_YEAR);

        assertThat(retention.purge(tenant(), AuditLog.Actor.SYSTEM, null, null))
                .isEqualTo(new RetentionPurge.ChainBroken(2));
        assertThat(storedSeqs().getFirst()).isEqualTo(1);
        assertThat(archives()).isEmpty();
    }

    @Test
    void twoConcurrentPurgesOfOneTenantMakeOnePurge() throws Exception {
        keepFor("P1Y");
        activityAt(PAST_A_YEAR.dividedBy(2));
        clock.moveAhead(PAST_A_YEAR);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<RetentionPurge.Outcome>> purges = Stream.of(1, 2)
                .map(n -> CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return retention.purge(tenant(), AuditLog.Actor.SYSTEM, null, null);
                })).toList();
        start.countDown();

        List<RetentionPurge.Outcome> outcomes = purges.stream().map(CompletableFuture::join).toList();

        assertThat(outcomes).filteredOn(RetentionPurge.Purged.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(outcome -> !(outcome instanceof RetentionPurge.Purged))
                .singleElement().isInstanceOfAny(RetentionPurge.Busy.class, RetentionPurge.NothingDue.class);
        assertThat(checkpoints()).hasSize(1);
        assertThat(archives()).hasSize(1);
        assertThat(verifier.verify(tenant()).ok()).isTrue();
    }

    @Test
    void theNightlyJobPurgesEveryTenantThatIsDue() {
        keepFor("P1Y");
        activityAt(PAST_A_YEAR.dividedBy(2));
        SignedInTenant keepsSixYears = SignedInTenant.create(api, operatorToken(), "clinic");
        clock.moveAhead(PAST_A_YEAR);

        job.purgeEveryTenant();

        assertThat(checkpoints()).hasSize(1);
        assertThat(jdbc.sql("select actor_username from audit_events where tenant_id = :t and action = 'AUDIT_PURGED'")
                .param("t", tenant().value()).query(String.class).single()).isEqualTo("system");
        assertThat(jdbc.sql("select count(*) from audit_events where tenant_id = :t and action = 'AUDIT_PURGED'")
                .param("t", UUID.fromString(keepsSixYears.id())).query(Long.class).single())
                .as("a tenant on the default six years keeps its year-old events").isZero();
        assertThat(verifier.verify(tenant()).ok()).isTrue();
    }

    @Test
    void purgingNeedsAuditPurgeInTheCallersOwnTenant() {
        String frontDesk = TestMembers.member("fran").holding("front_desk").create(api, clinic).token();
        Response refused = purge(frontDesk);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("/detail")).contains("audit.purge");

        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(purge(other.adminToken()).status()).isEqualTo(404);
        assertThat(purge(operatorToken()).status()).isEqualTo(404);
        assertThat(checkpoints()).isEmpty();
    }

    @Test
    void applicationsCannotWriteACheckpoint() {
        Response refused = api.post(clinic.path("/audit/events"), clinic.adminToken(), json("action", "AUDIT_PURGED",
                "user", SignedInTenant.ADMIN, "resource", raw(json("type", "patient", "id", "p-1"))));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(checkpoints()).isEmpty();
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
