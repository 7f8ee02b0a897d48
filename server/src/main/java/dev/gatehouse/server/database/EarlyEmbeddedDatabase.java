package dev.gatehouse.server.database;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Starts the embedded PostgreSQL in parallel with the Spring context (docs/benchmarks.md, "Start
 * time"): as soon as the configuration is read, and only when it names no external database, a
 * thread of its own starts the server (the same {@link EmbeddedDatabase#start}: orphan cleared,
 * durable settings), while the main thread loads classes and creates beans. The data source then
 * takes that server instead of starting one, and waits for it if it is not up yet; a failed start
 * fails the data source exactly as a start on the main thread would.
 *
 * <p>Registered by {@code GatehouseApplication.main} (the server as run from its jar); tests that
 * build a context otherwise start the database on the main thread, as before.
 */
public final class EarlyEmbeddedDatabase implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    private static final Map<Path, CompletableFuture<EmbeddedDatabase>> STARTED = new ConcurrentHashMap<>();

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Environment environment = event.getEnvironment();
        if (!environment.getProperty("gatehouse.db.url", "").isBlank()) {
            return;
        }
        Path folder = folder(environment.getProperty("gatehouse.data-dir", "./data"));
        STARTED.computeIfAbsent(folder, start -> {
            CompletableFuture<EmbeddedDatabase> future = new CompletableFuture<>();
            Thread.ofPlatform().name("embedded-postgres-start").daemon().start(() -> {
                try {
                    future.complete(EmbeddedDatabase.start(start));
                } catch (RuntimeException | Error e) {
                    future.completeExceptionally(e);
                }
            });
            // Stopped (SIGTERM) while the server starts: the JVM waits for that start to end, as a server it
            // halted in the middle would be left running (EmbeddedDatabase stops one started too late for its hook).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitQuietly(future), "embedded-postgres-start-wait"));
            return future;
        });
    }

    /** The database started early for this data folder, waited for; null when none was started. */
    static @Nullable EmbeddedDatabase take(String dataDir) {
        CompletableFuture<EmbeddedDatabase> started = STARTED.remove(folder(dataDir));
        if (started == null) {
            return null;
        }
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw e;
        }
    }

    private static void awaitQuietly(CompletableFuture<EmbeddedDatabase> start) {
        try {
            start.get(2 * EmbeddedDatabase.STARTUP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // failed or too slow: the next start clears a server left behind
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path folder(String dataDir) {
        return Path.of(dataDir).resolve("postgres").toAbsolutePath().normalize();
    }
}
