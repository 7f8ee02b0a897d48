package dev.gatehouse.server.audit;

import dev.gatehouse.server.shared.TenantId;
import java.util.Arrays;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Recomputes a tenant's hash chain from the stored content. Rows stream in sequence order through
 * a cursor (fetch size), so a million events verify in bounded memory; one repeatable-read
 * transaction sees the events and the chain head as of one moment.
 */
@Component
public class ChainVerifier {

    /** {@code firstBadSeq}: the first event that is missing, changed or out of place; null when ok. */
    public record Result(boolean ok, long events, @Nullable Long firstBadSeq) {}

    private static final int FETCH_SIZE = 2_000;

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
        return new Result(walk.firstBad == null, walk.events, walk.firstBad);
    }

    /** The state of one pass over the chain. */
    private static final class Walk {
        long expected = 1;
        byte[] previous = AuditChain.ZERO;
        long events;
        @Nullable Long firstBad;

        void accept(StoredEvents.Stored event) {
            events++;
            if (firstBad != null) {
                return;
            }
            long seq = event.content().seq();
            if (seq != expected) {
                firstBad = expected;
                return;
            }
            byte[] recomputed = AuditChain.hash(event.content(), previous);
            if (!Arrays.equals(event.previous(), previous) || !Arrays.equals(event.hash(), recomputed)) {
                firstBad = seq;
                return;
            }
            previous = recomputed;
            expected++;
        }
    }
}
