package dev.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class AuditChainIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    AuditLog audit;
    @Autowired
    ChainVerifier verifier;
    @Autowired
    ConfigurableApplicationContext context;
    @Autowired
    ChainBackfill backfill;
    private SignedInTenant clinic;
    private TransactionTemplate transactions;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        transactions = new TransactionTemplate(transactionManager);
    }

    private UUID tenant() {
        return UUID.fromString(clinic.id());
    }

    private long stored() {
        return jdbc.sql("select count(*) from audit_events where tenant_id = :t").param("t", tenant())
                .query(Long.class).single();
    }

    private Response verify() {
        return api.get(clinic.path("/audit/verify"), clinic.adminToken());
    }

    /** Changes the table behind the application's back, opening the trigger for this transaction only. */
    private void tamper(String sql) {
        transactions.executeWithoutResult(status -> {
            jdbc.sql("set local gatehouse.audit_purge = 'on'").update();
            jdbc.sql(sql).param("t", tenant()).update();
        });
    }

    private void recordCommitted(String action, Map<String, ?> details) {
        transactions.executeWithoutResult(status -> audit.record(new TenantId(tenant()), action,
                new AuditLog.Actor(UUID.fromString(clinic.adminId()), "admin", List.of("owner")),
                new AuditLog.Target("user", clinic.adminId(), "admin"), "203.0.113.7", "test-agent", details));
    }

    @Test
    void anUntouchedChainVerifiesAndCountsEveryEvent() {
        recordCommitted("TEST_EVENT", Map.of("ratio", 0.5, "big", 12345678901234L, "nested",
                Map.of("z", List.of(1, "two", true), "a", "ü"), "when", "2026-01-01"));
        Response verified = verify();
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.body().path("ok").asBoolean()).isTrue();
        assertThat(verified.body().path("events").asLong()).isEqualTo(stored()).isGreaterThan(3);
        assertThat(verified.body().has("firstBadSeq")).isFalse();
    }

    @Test
    void eachEventIsChainedToThePreviousOneFromAZeroStart() {
        List<byte[][]> hashes = jdbc.sql("select prev_hash, hash from audit_events where tenant_id = :t order by seq")
                .param("t", tenant()).query((rs, n) -> new byte[][] {rs.getBytes(1), rs.getBytes(2)}).list();
        assertThat(hashes.getFirst()[0]).isEqualTo(new byte[32]);
        for (int i = 1; i < hashes.size(); i++) {
            assertThat(hashes.get(i)[0]).isEqualTo(hashes.get(i - 1)[1]);
            assertThat(hashes.get(i)[1]).hasSize(32);
        }
        byte[] head = jdbc.sql("select last_hash from audit_sequences where tenant_id = :t").param("t", tenant())
                .query(byte[].class).single();
        assertThat(head).isEqualTo(hashes.getLast()[1]);
    }

    /** A few events go in one statement with the head's move, many by COPY (issue 17): both chain alike. */
    @Test
    void aFewEventsAndManyEventsAppendedTogetherAreChainedConsecutivelyAndVerify() {
        TenantId tenant = new TenantId(tenant());
        AuditLog.Actor actor = new AuditLog.Actor(UUID.fromString(clinic.adminId()), "admin", List.of("owner"));
        for (int count : List.of(3, 17)) {
            List<AuditLog.Entry> entries = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                entries.add(new AuditLog.Entry("TEST_BATCH_" + count, actor,
                        new AuditLog.Target("user", clinic.adminId(), "admin"), "203.0.113.7", "test-agent",
                        Map.of("index", i, "text", "ü \" quote")));
            }
            long before = stored();
            List<Long> seqs = transactions.execute(status -> audit.recordAll(tenant, entries));
            assertThat(seqs).hasSize(count);
            assertThat(seqs.getLast() - seqs.getFirst()).isEqualTo(count - 1);
            assertThat(stored()).isEqualTo(before + count);
            List<Integer> indexes = jdbc.sql("""
                            select (details ->> 'index')::int from audit_events
                            where tenant_id = :t and action = :action order by seq
                            """)
                    .param("t", tenant()).param("action", "TEST_BATCH_" + count).query(Integer.class).list();
            assertThat(indexes).isEqualTo(java.util.stream.IntStream.range(0, count).boxed().toList());
        }
        eachEventIsChainedToThePreviousOneFromAZeroStart();
        Response verified = verify();
        assertThat(verified.body().path("ok").asBoolean()).isTrue();
        assertThat(verified.body().path("events").asLong()).isEqualTo(stored());
    }

    @Test
    void changingOneFieldIsReportedAtThatSequenceNumber() {
        tamper("update audit_events set ip = '198.51.100.1' where tenant_id = :t and seq = 2");
        Response verified = verify();
        assertThat(verified.body().path("ok").asBoolean()).isFalse();
        assertThat(verified.body().path("firstBadSeq").asLong()).isEqualTo(2);
        assertThat(verified.body().path("events").asLong()).isEqualTo(stored());
    }

    @Test
    void changingTheDetailsIsReportedAtThatSequenceNumber() {
        tamper("""
                update audit_events set details = details || '{"extra": 1}'::jsonb where tenant_id = :t and seq = 3
                """);
        assertThat(verify().body().path("firstBadSeq").asLong()).isEqualTo(3);
    }

    @Test
    void deletingOneEventIsReportedAtTheGap() {
        tamper("delete from audit_events where tenant_id = :t and seq = 2");
        Response verified = verify();
        assertThat(verified.body().path("ok").asBoolean()).isFalse();
        assertThat(verified.body().path("firstBadSeq").asLong()).isEqualTo(2);
    }

    @Test
    void deletingTheLastEventIsReportedThroughTheChainHead() {
        long last = stored();
        tamper("delete from audit_events where tenant_id = :t and seq = (select max(seq) from audit_events where tenant_id = :t)");
        assertThat(verify().body().path("firstBadSeq").asLong()).isEqualTo(last);
    }

    @Test
    void swappingTwoEventsIsReportedAtTheFirstOfThem() {
        tamper("""
                update audit_events e set at = o.at, action = o.action, actor_id = o.actor_id,
                    actor_username = o.actor_username, actor_roles = o.actor_roles, target_type = o.target_type,
                    target_id = o.target_id, target_name = o.target_name, ip = o.ip, user_agent = o.user_agent,
                    details = o.details, prev_hash = o.prev_hash, hash = o.hash
                from audit_events o
                where e.tenant_id = :t and o.tenant_id = :t
                  and ((e.seq = 2 and o.seq = 3) or (e.seq = 3 and o.seq = 2))
                """);
        Response verified = verify();
        assertThat(verified.body().path("ok").asBoolean()).isFalse();
        assertThat(verified.body().path("firstBadSeq").asLong()).isEqualTo(2);
    }

    @Test
    void eventsWrittenBeforeTheChainAreHashedAtStartOrByTheNextAppend() {
        // As a database upgraded past V60 has them: events without hashes and no chain head.
        tamper("update audit_events set prev_hash = null, hash = null where tenant_id = :t");
        jdbc.sql("update audit_sequences set last_hash = null where tenant_id = :t").param("t", tenant()).update();
        assertThat(verify().body().path("ok").asBoolean()).isFalse();
        backfill.afterSingletonsInstantiated();
        assertThat(verify().body().path("ok").asBoolean()).isTrue();

        tamper("update audit_events set prev_hash = null, hash = null where tenant_id = :t");
        jdbc.sql("update audit_sequences set last_hash = null where tenant_id = :t").param("t", tenant()).update();
        recordCommitted("TEST_EVENT", Map.of());
        Response verified = verify();
        assertThat(verified.body().path("ok").asBoolean()).isTrue();
        assertThat(verified.body().path("events").asLong()).isEqualTo(stored());
    }

    @Test
    void theDatabaseRefusesUpdateDeleteAndTruncateWithoutThePurgeSetting() {
        assertThatThrownBy(() -> jdbc.sql("update audit_events set action = 'X' where tenant_id = :t")
                .param("t", tenant()).update())
                .isInstanceOf(DataAccessException.class).hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("delete from audit_events where tenant_id = :t")
                .param("t", tenant()).update())
                .isInstanceOf(DataAccessException.class).hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
            status.setRollbackOnly();
            jdbc.sql("truncate audit_events").update();
        })).isInstanceOf(DataAccessException.class).hasStackTraceContaining("append-only");
        // The setting of one transaction does not leak into the next.
        tamper("update audit_events set action = action where tenant_id = :t and seq = 1");
        assertThatThrownBy(() -> jdbc.sql("delete from audit_events where tenant_id = :t")
                .param("t", tenant()).update())
                .isInstanceOf(DataAccessException.class);
        assertThat(verify().body().path("ok").asBoolean()).isTrue();
    }

    @Test
    void aRolledBackChangeLeavesNoEventAndTheChainContinues() {
        long before = stored();
        transactions.executeWithoutResult(status -> {
            audit.record(new TenantId(tenant()), "TEST_EVENT", AuditLog.Actor.SYSTEM, null, null, null, Map.of());
            status.setRollbackOnly();
        });
        assertThat(stored()).isEqualTo(before);
        recordCommitted("TEST_EVENT", Map.of("after", "rollback"));
        assertThat(stored()).isEqualTo(before + 1);
        Response verified = verify();
        assertThat(verified.body().path("ok").asBoolean()).isTrue();
        assertThat(verified.body().path("events").asLong()).isEqualTo(before + 1);
    }

    @Test
    void aRefusedRequestWritesNoEvent() {
        long before = stored();
        Response refused = api.post(clinic.path("/locations"), clinic.adminToken(), "{\"name\": 42, \"parent\": []}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void detailsKeysNamedLikeSecretsAreRefusedAndTheirValuesNeverStored() {
        long before = stored();
        for (String key : List.of("password", "newPassword", "token", "mfaToken", "secret", "code", "passwordHash")) {
            assertThatThrownBy(() -> recordCommitted("TEST_EVENT", Map.of(key, "s3cr3t-value-" + key)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
        }
        assertThat(stored()).isEqualTo(before);
        assertThat(jdbc.sql("select count(*) from audit_events where details::text like '%s3cr3t-value%'")
                .query(Long.class).single()).isZero();
        recordCommitted("TEST_EVENT", Map.of("temporaryPassword", true));
        assertThat(stored()).isEqualTo(before + 1);
    }

    @Test
    void controlCharactersInFreeTextAreReplacedBeforeStoringAndTheChainStillVerifies() {
        transactions.executeWithoutResult(status -> audit.record(new TenantId(tenant()), "TEST_EVENT",
                new AuditLog.Actor(null, "eve\r\nFORGED 200 OK", List.of("role\u001b[31m")),
                new AuditLog.Target("user", "id\n2", "name\u2028x"), "203.0.113.9", "agent\r\nX-Injected: 1",
                Map.of("note", "line one\nline two")));
        Map<String, Object> row = jdbc.sql("""
                        select actor_username, actor_roles[1] as role, target_id, target_name, user_agent,
                            details ->> 'note' as note
                        from audit_events where tenant_id = :t and action = 'TEST_EVENT'
                        """).param("t", tenant()).query().singleRow();
        assertThat(row).containsEntry("actor_username", "eve  FORGED 200 OK").containsEntry("role", "role [31m")
                .containsEntry("target_id", "id 2").containsEntry("target_name", "name x")
                .containsEntry("user_agent", "agent  X-Injected: 1").containsEntry("note", "line one line two");
        assertThat(verify().body().path("ok").asBoolean()).isTrue();
    }

    @Test
    void verifyNeedsAuditRead() {
        String frontDesk = TestMembers.member("fran").holding("front_desk").create(api, clinic).token();
        Response refused = api.get(clinic.path("/audit/verify"), frontDesk);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("/detail")).contains("audit.read");
    }

    @Test
    void anotherTenantsCallersAndOperatorsGet404() {
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.get(clinic.path("/audit/verify"), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/audit/verify"), operatorToken()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/no-such-tenant/audit/verify", clinic.adminToken()).status())
                .isEqualTo(404);
    }

    @Test
    void theCommandLineVerifyPrintsTheResultAndAnswersItsExitStatus() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new VerifyCommand(clinic.slug(), context.getBean(TenantDirectory.class), verifier, context)
                .run(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ok=true", "events=" + stored());

        tamper("update audit_events set action = 'FORGED' where tenant_id = :t and seq = 1");
        out.reset();
        status = new VerifyCommand(clinic.id(), context.getBean(TenantDirectory.class), verifier, context)
                .run(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ok=false", "firstBadSeq=1");

        assertThat(new VerifyCommand("no-such-tenant", context.getBean(TenantDirectory.class), verifier, context)
                .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))).isEqualTo(1);
    }
}
