package dev.gatehouse.server.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL, started by Gatehouse itself from Maven Central binaries, with its data in a
 * local folder: the zero-setup first run on the same database as production.
 *
 * <p>It runs durable: {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on (the
 * library's defaults turn the first two off), so a write acknowledged to a client is on disk and
 * survives the database or the machine crashing (docs/security.md, "Durability and overload").
 *
 * <p>It must survive a killed JVM: PostgreSQL leaves {@code postmaster.pid} behind, and a server
 * orphaned by the dead JVM may still hold the folder. Before starting, an orphan is asked to shut
 * down and a stale pid file is removed. And it must survive its own server dying under a live
 * JVM: {@link #restart} starts it again on the same folder and port ({@link EmbeddedDatabaseWatchdog}).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    /** How long a (re)start may take, crash recovery of the write-ahead log included. */
    static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    /** Every server started and not yet closed, for {@link #closeAll}. */
    private static final Set<EmbeddedDatabase> OPEN = ConcurrentHashMap.newKeySet();

    private final Path dataDirectory;
    private final int port;
    private volatile EmbeddedPostgres postgres;
    private volatile long postmasterPid;
    private volatile boolean available = true;
    private volatile boolean closed;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.port = postgres.getPort();
        this.postmasterPid = readPostmasterPid(dataDirectory);
    }

    /** Starts (initialising the folder on first use) a server whose data lives in {@code dataDirectory}. */
    public static EmbeddedDatabase start(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
            clearOrphan(dataDirectory);
            EmbeddedPostgres postgres = launch(dataDirectory, 0);
            log.info("Embedded PostgreSQL listening on 127.0.0.1:{} with data in {}", postgres.getPort(),
                    dataDirectory.toAbsolutePath());
            EmbeddedDatabase database = new EmbeddedDatabase(postgres, dataDirectory);
            OPEN.add(database);
            // Stops the server when the JVM exits without closing the application (close is idempotent).
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(database::close, "embedded-postgres-stop"));
            } catch (IllegalStateException shuttingDown) {
                // The JVM was told to stop (SIGTERM) while this server started: no hook would stop it any more.
                database.close();
                throw shuttingDown;
            }
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /** {@code port} 0: any free port. */
    private static EmbeddedPostgres launch(Path dataDirectory, int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPGStartupWait(STARTUP_WAIT)
                // Stopped by close(), from the application's shutdown, not behind its back by a
                // hook of the library's while the application still runs (the watchdog would restart it).
                .setRegisterShutdownHook(false)
                // The library starts the server with -F (fsync off) and synchronous_commit off; these
                // later settings win. An acknowledged commit is then flushed to disk.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /**
     * Whether the server process of this folder is alive. False from the moment its postmaster is
     * gone until {@link #restart} has it answering again.
     */
    public boolean running() {
        return !closed && isLivePostgres(postmasterPid);
    }

    /** False while the server is known to be down or restarting: connections are refused at once then. */
    public boolean available() {
        return available && !closed;
    }

    /**
     * Starts the server again on the same folder and port after its postmaster died: waits for the
     * dead server's processes to leave the folder (PostgreSQL refuses to start while they hold its
     * shared memory), then starts it, which replays the write-ahead log.
     *
     * @throws IOException when it did not start; the caller tries again
     */
    synchronized void restart() throws IOException {
        if (closed) {
            return;
        }
        available = false;
        EmbeddedPostgres dead = postgres;
        try {
            dead.close(); // releases the library's lock on the folder; stopping the dead server fails quietly
        } catch (IOException e) {
            log.debug("Closing the dead embedded PostgreSQL", e);
        }
        // A server from an earlier attempt that started but failed its checks is stopped first.
        long stray = readPostmasterPid(dataDirectory);
        if (isLivePostgres(stray)) {
            stop(stray, dataDirectory);
        }
        awaitProcessesGone(Duration.ofSeconds(30));
        if (processesIn(dataDirectory) > 0) {
            // Never a second server beside processes of the first: the pid file stays, so that
            // PostgreSQL's own check of its shared memory would refuse too.
            throw new IOException("processes of the dead server still work in " + dataDirectory);
        }
        // A start that failed may have left the library's folder lock taken by no one.
        Files.deleteIfExists(dataDirectory.resolve("epg-lock"));
        if (closed) {
            return;
        }
        postgres = launch(dataDirectory, port);
        postmasterPid = readPostmasterPid(dataDirectory);
        available = true;
        log.warn("Embedded PostgreSQL restarted on 127.0.0.1:{} (pid {}) with data in {}", port, postmasterPid,
                dataDirectory.toAbsolutePath());
    }

    void markUnavailable() {
        available = false;
    }

    boolean closed() {
        return closed;
    }

    /** The dead server's backends exit once they notice their postmaster is gone; each works in the folder. */
    private void awaitProcessesGone(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!closed && System.nanoTime() < deadline && processesIn(dataDirectory) > 0) {
            sleep(50);
        }
    }

    /** How many processes have {@code folder} as their working directory (PostgreSQL's all do); 0 without /proc. */
    static long processesIn(Path folder) {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            sleep(1000);
            return 0;
        }
        Path real;
        try {
            real = folder.toRealPath();
        } catch (IOException e) {
            return 0;
        }
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                return Files.readSymbolicLink(proc.resolve(Long.toString(p.pid())).resolve("cwd")).equals(real);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }).count();
    }

    private static long readPostmasterPid(Path dataDirectory) {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty() ? -1 : parsePid(lines.get(0));
        } catch (IOException e) {
            return -1;
        }
    }

    /** The postmaster's process id, as in its {@code postmaster.pid}. */
    public long postmasterPid() {
        return postmasterPid;
    }

    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Stops every server this JVM started (a JVM halted while it starts: {@link StopWhileStarting}). */
    static void closeAll() {
        OPEN.forEach(EmbeddedDatabase::close);
    }

    @Override
    public void close() {
        closed = true;
        OPEN.remove(this);
        synchronized (this) { // after a restart in progress
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly", e);
            }
        }
    }

    /**
     * A server left running by a killed JVM still owns the folder: ask it to stop (SIGINT is
     * PostgreSQL's fast shutdown) and wait; then remove a pid file that names no live server.
     */
    static void clearOrphan(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        long pid = lines.isEmpty() ? -1 : parsePid(lines.get(0));
        Optional<ProcessHandle> orphan = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
        if (orphan.isPresent() && isLivePostgres(pid)) {
            log.warn("Stopping the PostgreSQL (pid {}) left running on {} by an earlier run", pid, dataDirectory);
            stop(pid, dataDirectory);
        }
        if (!isLivePostgres(pid)) {
            Files.deleteIfExists(pidFile);
        }
    }

    /** SIGINT is PostgreSQL's fast shutdown; SIGQUIT, its immediate one, if that took too long. */
    private static void stop(long pid, Path dataDirectory) {
        signal(pid, "INT");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (isLivePostgres(pid) && System.nanoTime() < deadline) {
            sleep(100);
        }
        if (isLivePostgres(pid)) {
            log.warn("PostgreSQL (pid {}) on {} did not stop in 30 s; quitting it", pid, dataDirectory);
            signal(pid, "QUIT");
            sleep(1000);
        }
    }

    private static long parsePid(String line) {
        try {
            return Long.parseLong(line.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Alive, not a zombie, and a postgres process (a recycled pid must not be signalled). */
    private static boolean isLivePostgres(long pid) {
        if (pid <= 0) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isReadable(stat)) {
            try {
                String content = Files.readString(stat);
                int end = content.lastIndexOf(')');
                String name = content.substring(content.indexOf('(') + 1, end);
                char state = content.charAt(end + 2);
                return state != 'Z' && state != 'X' && name.startsWith("postgres");
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && ProcessHandle.of(pid).flatMap(p -> p.info().command()).map(c -> c.contains("postgres")).orElse(false);
    }

    private static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
        } catch (IOException e) {
            log.warn("Could not signal pid {}", pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
