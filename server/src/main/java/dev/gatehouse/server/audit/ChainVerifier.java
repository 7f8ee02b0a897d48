package dev.gatehouse.server.audit;

import dev.gatehouse.server.shared.TenantId;
import java.util.Arrays;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Recomputes a tenant's hash chain from the stored content. Rows stream in sequence order through
 * a cursor (fetch size), so a million events verify in bounded memory; one repeatable-read
 * transaction sees the events and the chain head as of one moment.
 *
 * <p>After a retention purge the chain starts later than seq 1. It then holds only when one of the
 * remaining events is a {@value ChainPurge#CHECKPOINT} checkpoint, itself verified, saying it removed
 * everything through exactly the seq before the first remaining event, whose hash is that event's
 * {@code prev_hash}. Early rows deleted any other way stay tampering.
 */
@Component
public class ChainVerifier {

    /**
     * {@code firstBadSeq}: the first event that is missing, changed or out of place; null when ok.
     * {@code fromSeq}: the first stored event, where verifying started; {@code checkpointSeq}: the
     * checkpoint that accounts for the events before it, null when the chain starts at seq 1.
     */
    public record Result(boolean ok, long events, @Nullable Long firstBadSeq, long fromSeq,
            @Nullable Long checkpointSeq) {}

    private static final int FETCH_SIZE = 2_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    ChainVerifier(DataSource dataSource, PlatformTransactionManager transactions) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.jdbc.setFetchSize(FETCH_SIZE);
        this.transactions = new TransactionTemplate(transactions);
        this.transactions.setReadOnly(true);
        this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /** Walks the tenant's whole chain; {@code firstBadSeq} names the first event that does not hold. */
    public Result verify(TenantId tenant) {
        return transactions.execute(status -> walk(tenant));
    }

    private Result walk(TenantId tenant) {
        Walk walk = new Walk();
        // PostgreSQL streams with a fetch size only inside a transaction, which this is.
        jdbc.query("select " + StoredEvents.COLUMNS + " from audit_events where tenant_id = ? order by seq",
                rs -> {
                    walk.accept(StoredEvents.read(rs));
                }, tenant.value());
        if (walk.firstBad == null) {
            walk.accountForPurgedEvents();
        }
        if (walk.firstBad == null) {
            // Events removed from the end leave no gap; the chain head in audit_sequences tells.
            jdbc.query("select last_seq, last_hash from audit_sequences where tenant_id = ?", rs -> {
                long lastSeq = rs.getLong("last_seq");
                byte[] lastHash = rs.getBytes("last_hash");
                boolean headMatches = lastSeq == walk.expected - 1
                        && (lastSeq == 0 || Arrays.equals(lastHash, walk.previous));
                if (!headMatches) {
                    walk.firstBad = walk.expected;
                }
            }, tenant.value());
        }
        return new Result(walk.firstBad == null, walk.events, walk.firstBad, walk.from == null ? 1 : walk.from,
                walk.checkpoint);
    }

    /** The state of one pass over the chain. */
    private static final class Walk {
        @Nullable Long from;
        byte @Nullable [] fromPrevious;
        long expected = 1;
        byte[] previous = AuditChain.ZERO;
        long events;
        @Nullable Long firstBad;
        /** The verified checkpoint that covers the events before {@link #from}. */
        @Nullable Long checkpoint;
        /** A verified checkpoint claimed to end at {@code from - 1}, but with another last hash. */
        boolean checkpointDisagrees;
        /** The highest {@code throughSeq} of verified checkpoints that end earlier. */
        long coveredThrough;

        void accept(StoredEvents.Stored event) {
            events++;
            if (firstBad != null) {
                return;
            }
            long seq = event.content().seq();
            if (from == null) {
                from = seq;
                if (seq != 1) {
                    // Taken on trust for now: a checkpoint further on must vouch for it.
                    expected = seq;
                    fromPrevious = event.previous();
                    previous = event.previous() == null ? AuditChain.ZERO : event.previous();
                }
            }
            if (seq != expected) {
                firstBad = expected;
                return;
            }
            byte[] recomputed = AuditChain.hash(event.content(), previous);
            if (!Arrays.equals(event.previous(), previous) || !Arrays.equals(event.hash(), recomputed)) {
                firstBad = seq;
                return;
            }
            if (event.content().action().equals(ChainPurge.CHECKPOINT) && from != 1) {
                consider(event.content());
            }
            previous = recomputed;
            expected++;
        }

        private void consider(AuditChain.Content checkpointEvent) {
            JsonNode details = JSON.readTree(checkpointEvent.details());
            long through = details.path("throughSeq").asLong(-1);
            String lastHash = details.path("lastRemoved").path("hash").asString("");
            if (through == from - 1) {
                if (fromPrevious != null && lastHash.equals(HexFormat.of().formatHex(fromPrevious))) {
                    checkpoint = checkpointEvent.seq();
                } else {
                    checkpointDisagrees = true;
                }
            } else if (through < from - 1) {
                coveredThrough = Math.max(coveredThrough, through);
            }
        }

        /**
         * A chain that starts after seq 1 needs its checkpoint; without one, the first event no
         * checkpoint covers is the first missing one (seq 1 when nothing was ever purged), and with
         * one that names another last hash, the first remaining event does not follow the purge.
         */
        void accountForPurgedEvents() {
            if (from == null || from == 1 || checkpoint != null) {
                return;
            }
            firstBad = checkpointDisagrees ? from : coveredThrough + 1;
        }
    }
}
