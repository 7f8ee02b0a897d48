package dev.gatehouse.server.database;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts the embedded PostgreSQL when its server process dies under a live node, so requests
 * succeed again within seconds without restarting the JVM. It looks for the postmaster every
 * {@code interval}; once it is gone, connections are refused at once (503, health DOWN) until the
 * server is back on the same folder and port and the pool's broken connections are replaced.
 */
final class EmbeddedDatabaseWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseWatchdog.class);

    private final EmbeddedDatabase database;
    private final HikariDataSource pool;
    private final ScheduledExecutorService timer;

    private EmbeddedDatabaseWatchdog(EmbeddedDatabase database, HikariDataSource pool) {
        this.database = database;
        this.pool = pool;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "embedded-postgres-watchdog");
            thread.setDaemon(true);
            return thread;
        });
    }

    static EmbeddedDatabaseWatchdog watch(EmbeddedDatabase database, HikariDataSource pool, Duration interval) {
        EmbeddedDatabaseWatchdog watchdog = new EmbeddedDatabaseWatchdog(database, pool);
        watchdog.timer.scheduleWithFixedDelay(watchdog::check, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return watchdog;
    }

    private void check() {
        if (database.closed() || database.running()) {
            return;
        }
        database.markUnavailable();
        log.error("The embedded PostgreSQL (pid {}) is gone; restarting it on the same data", database.postmasterPid());
        long started = System.nanoTime();
        for (int attempt = 1; !timer.isShutdown() && !database.closed(); attempt++) {
            try {
                database.restart();
                break;
            } catch (Exception e) {
                log.error("Restart {} of the embedded PostgreSQL failed; trying again", attempt, e);
                sleep(Math.min(5_000, 250L * attempt));
            }
        }
        if (database.running()) {
            // Connections to the dead server would each fail once before the pool replaced them.
            pool.getHikariPoolMXBean().softEvictConnections();
            log.warn("The embedded PostgreSQL is back after {} ms",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
