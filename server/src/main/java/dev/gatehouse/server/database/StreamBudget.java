package dev.gatehouse.server.database;

import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.server.shared.ServiceUnavailable;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * The connections of long-running work — audit exports streamed to a client, the retention purge
 * and its archive — kept apart from the pool that answers sign-in, checks and health: a small
 * pool of its own ({@code gatehouse.db.stream-pool-size}, default 4) with a longer statement
 * timeout, and as many permits. Work that finds every permit taken is refused at once with
 * {@code 503} and {@code Retry-After}, so 200 slow downloads cost four connections and no request
 * thread waits for one (docs/security.md, "Durability and overload").
 */
public final class StreamBudget implements AutoCloseable {

    /** What a refused export is asked to wait. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final HikariDataSource pool;
    private final Semaphore permits;
    private final int size;

    StreamBudget(HikariDataSource pool, int size) {
        this.pool = pool;
        this.size = size;
        this.permits = new Semaphore(size);
    }

    /** Held while the work runs; closing it gives the permit back (once). */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * A permit now, or none.
     *
     * @throws ServiceUnavailable when every permit is taken
     */
    public Lease take() {
        if (!permits.tryAcquire()) {
            throw busy();
        }
        return lease();
    }

    /**
     * A permit within {@code wait}: for scheduled work, which may queue where a client may not.
     *
     * @throws ServiceUnavailable when none came free in time
     */
    public Lease take(Duration wait) {
        try {
            if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        return lease();
    }

    /** The budget's own pool: connections here never come out of the main pool. */
    public DataSource dataSource() {
        return pool;
    }

    /** The permits in use now. */
    public int inUse() {
        return size - permits.availablePermits();
    }

    private Lease lease() {
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.getAndSet(false)) {
                permits.release();
            }
        };
    }

    private ServiceUnavailable busy() {
        return new ServiceUnavailable("every slot for long-running work (exports, purges) is in use; try again later",
                RETRY_AFTER);
    }

    @Override
    public void close() {
        pool.close();
    }
}
