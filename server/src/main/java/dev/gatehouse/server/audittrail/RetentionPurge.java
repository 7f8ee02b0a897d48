package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.audit.AuditRetention;
import dev.gatehouse.server.audit.ChainPurge;
import dev.gatehouse.server.audit.ChainVerifier;
import dev.gatehouse.server.database.StreamBudget;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.TenantId;
import java.io.Writer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The retention purge of one tenant (issue 5, docs/audit.md "Retention"), in this order, all or
 * nothing: verify the chain (a purge must never destroy the evidence of tampering); take the
 * tenant's purge lock, so two nodes never purge one tenant at once; archive the due events to a
 * durable JSON Lines file; then, in the same transaction, remove them and append the checkpoint.
 */
@Service
class RetentionPurge {

    /** What a purge did. */
    sealed interface Outcome {}

    /** Events before {@code olderThan} were archived and removed; {@code checkpoint} records it. */
    record Purged(ChainPurge.Range range, ChainPurge.Archive archive, ChainPurge.Checkpoint checkpoint,
            Instant olderThan) implements Outcome {}

    /** Nothing was older than {@code olderThan} (or only the newest event and earlier checkpoints). */
    record NothingDue(Instant olderThan) implements Outcome {}

    /** Another purge of the tenant, on this node or another, was running. */
    record Busy() implements Outcome {}

    /** The chain does not verify, so nothing was touched. */
    record ChainBroken(long firstBadSeq) implements Outcome {}

    private static final AuditFilter EVERYTHING = AuditFilter.parse(
            new AuditFilters(null, null, null, null, null, null, null, null));

    private final ChainVerifier verifier;
    private final ChainPurge purges;
    private final AuditQueries queries;
    private final ArchiveFiles archives;
    private final TenantSettingsStore settings;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final StreamBudget streams;
    private final JdbcClient jdbc;
    private final Duration statementTimeout;

    /** How long the nightly purge waits for a permit of the {@link StreamBudget}. */
    static final Duration SCHEDULED_WAIT = Duration.ofMinutes(5);

    RetentionPurge(ChainVerifier verifier, ChainPurge purges, AuditQueries queries, ArchiveFiles archives,
            TenantSettingsStore settings, Clock clock, PlatformTransactionManager transactions, StreamBudget streams,
            JdbcClient jdbc, @Value("${gatehouse.db.stream-statement-timeout:15m}") Duration statementTimeout) {
        this.streams = streams;
        this.jdbc = jdbc;
        this.statementTimeout = statementTimeout;
        this.verifier = verifier;
        this.purges = purges;
        this.queries = queries;
        this.archives = archives;
        this.settings = settings;
        this.clock = clock;
        this.transactions = new TransactionTemplate(transactions);
    }

    /**
     * Purges the tenant's events older than its {@code auditRetention}, counted back from now, on a
     * permit of the {@link StreamBudget}: a 503 at once when every permit is taken.
     */
    Outcome purge(TenantId tenant, AuditLog.Actor actor, @Nullable String ip, @Nullable String userAgent) {
        try (StreamBudget.Lease lease = streams.take()) {
            return purgeHoldingPermit(tenant, actor, ip, userAgent);
        }
    }

    /** The nightly job's purge, which waits up to {@link #SCHEDULED_WAIT} for a permit. */
    Outcome purgeScheduled(TenantId tenant) {
        try (StreamBudget.Lease lease = streams.take(SCHEDULED_WAIT)) {
            return purgeHoldingPermit(tenant, AuditLog.Actor.SYSTEM, null, null);
        }
    }

    private Outcome purgeHoldingPermit(TenantId tenant, AuditLog.Actor actor, @Nullable String ip,
            @Nullable String userAgent) {
        Period retention = retention(tenant);
        Instant olderThan = AuditRetention.cutoff(clock.instant(), retention);
        ChainVerifier.Result chain = verifier.verify(tenant);
        if (!chain.ok()) {
            return new ChainBroken(Objects.requireNonNull(chain.firstBadSeq()));
        }
        return Objects.requireNonNull(transactions.execute(status -> {
            // Removing a large range may rightly take longer than the main pool's statement timeout.
            jdbc.sql("select set_config('statement_timeout', :timeout, true)")
                    .param("timeout", Long.toString(statementTimeout.toMillis())).query(String.class).single();
            if (!purges.tryLock(tenant)) {
                return new Busy();
            }
            Optional<ChainPurge.Range> due = purges.due(tenant, olderThan);
            if (due.isEmpty()) {
                return new NothingDue(olderThan);
            }
            ChainPurge.Range range = due.get();
            ChainPurge.Archive archive = archives.write(archiveName(tenant, range), out -> archive(tenant, range, out));
            ChainPurge.Checkpoint checkpoint = purges.remove(tenant,
                    new ChainPurge.Purge(range, olderThan, retention, archive), actor, ip, userAgent);
            return new Purged(range, archive, checkpoint, olderThan);
        }));
    }

    /** {@code audit-<tenant id>-<from>-<through>.jsonl}: unique per purge, sorted by tenant. */
    static String archiveName(TenantId tenant, ChainPurge.Range range) {
        return "audit-" + tenant + "-" + range.fromSeq() + "-" + range.throughSeq() + ".jsonl";
    }

    private Period retention(TenantId tenant) {
        return settings.of(tenant).auditRetentionPeriod();
    }

    /**
     * The range as the JSON Lines export writes it (prevHash and hash included), checked to be
     * exactly the range and one unbroken chain, so the file verifies offline on its own.
     */
    private void archive(TenantId tenant, ChainPurge.Range range, Writer out) {
        AuditExport lines = new AuditExport(AuditExport.Format.JSONL, out);
        ArchivedChain chain = new ArchivedChain(range.fromSeq());
        queries.stream(tenant, EVERYTHING, range.throughSeq() + 1, row -> {
            chain.follow(row);
            lines.write(row);
        });
        if (chain.next != range.throughSeq() + 1) {
            throw new IllegalStateException("archived up to " + (chain.next - 1) + " of " + range);
        }
    }

    /** The archive's rows so far: each must be the next seq and name the previous row's hash. */
    private static final class ArchivedChain {
        long next;
        @Nullable String lastHash;

        ArchivedChain(long from) {
            this.next = from;
        }

        void follow(AuditQueries.Row row) {
            long seq = row.event().seq();
            String prevHash = row.chain().get(0);
            if (seq != next || (lastHash != null && !lastHash.equals(prevHash))) {
                throw new IllegalStateException("event " + seq + " does not continue the archived chain at " + next);
            }
            next++;
            lastHash = row.chain().get(1);
        }
    }
}
