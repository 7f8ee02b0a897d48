package dev.gatehouse.server.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.SpringProperties;

/**
 * One database, PostgreSQL, two ways: {@code GATEHOUSE_DB_URL} (with {@code _USER} and
 * {@code _PASSWORD}) names an external server; without it Gatehouse starts its own under
 * {@code gatehouse.data-dir} (default {@code ./data}) and restarts it if it dies.
 *
 * <p>Waits are short and every statement has a deadline (docs/security.md, "Durability and
 * overload"): a connection is waited for at most {@code gatehouse.db.connection-timeout} (2.5 s,
 * then 503), a statement runs at most {@code gatehouse.db.statement-timeout} (30 s), and
 * long-running work takes its connections from the {@link StreamBudget}.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    DataSource dataSource(
            @Value("${gatehouse.db.url:}") String url,
            @Value("${gatehouse.db.user:}") String user,
            @Value("${gatehouse.db.password:}") String password,
            @Value("${gatehouse.data-dir:./data}") String dataDir,
            @Value("${gatehouse.db.pool-size:16}") int poolSize,
            @Value("${gatehouse.db.minimum-idle:-1}") int minimumIdle,
            @Value("${gatehouse.db.idle-timeout:10m}") Duration idleTimeout,
            @Value("${gatehouse.db.connection-timeout:2500ms}") Duration connectionTimeout,
            @Value("${gatehouse.db.statement-timeout:30s}") Duration statementTimeout,
            @Value("${gatehouse.db.embedded.watch-interval:500ms}") Duration watchInterval) {
        HikariConfig config = pool("gatehouse", poolSize, connectionTimeout, statementTimeout);
        // A fixed-size pool by default (-1: as many idle as the pool's size, HikariCP's advice); a smaller
        // number lets a node that is mostly idle (a test context, a second node) hold fewer connections.
        if (minimumIdle >= 0) {
            config.setMinimumIdle(minimumIdle);
            config.setIdleTimeout(idleTimeout.toMillis());
        }
        if (url.isBlank()) {
            // Started in parallel with the context when run from the jar (EarlyEmbeddedDatabase), else here.
            EmbeddedDatabase early = EarlyEmbeddedDatabase.take(dataDir);
            EmbeddedDatabase embedded = early != null ? early : EmbeddedDatabase.start(Path.of(dataDir).resolve("postgres"));
            config.setJdbcUrl(embedded.jdbcUrl());
            return new EmbeddedDataSource(config, embedded, watchInterval);
        }
        config.setJdbcUrl(url);
        if (!user.isBlank()) {
            config.setUsername(user);
        }
        if (!password.isBlank()) {
            config.setPassword(password);
        }
        return new HikariDataSource(config);
    }

    @Bean(destroyMethod = "close")
    StreamBudget streamBudget(DataSource dataSource,
            @Value("${gatehouse.db.stream-pool-size:4}") int size,
            @Value("${gatehouse.db.connection-timeout:2500ms}") Duration connectionTimeout,
            @Value("${gatehouse.db.stream-statement-timeout:15m}") Duration statementTimeout) {
        HikariDataSource main = (HikariDataSource) dataSource;
        HikariConfig config = pool("gatehouse-streams", size, connectionTimeout, statementTimeout);
        config.setJdbcUrl(main.getJdbcUrl());
        config.setUsername(main.getUsername());
        config.setPassword(main.getPassword());
        // Nothing held while no export runs.
        config.setMinimumIdle(0);
        config.setIdleTimeout(Duration.ofSeconds(30).toMillis());
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool = main instanceof EmbeddedDataSource embedded
                ? new FailFastDataSource(config, embedded.database()::available)
                : new HikariDataSource(config);
        return new StreamBudget(pool, size);
    }

    /**
     * Migrations run on a connection of their own, outside the pools and their statement timeout: an
     * index built over a large audit trail may rightly take minutes, once.
     */
    @Bean
    FlywayConfigurationCustomizer migrationsWithoutStatementTimeout(DataSource dataSource) {
        HikariDataSource main = (HikariDataSource) dataSource;
        return flyway -> flyway.dataSource(main.getJdbcUrl(), main.getUsername(), main.getPassword());
    }

    /**
     * Spring Boot's own lifecycle processor (its per-phase shutdown timeout included), which also stops the
     * embedded PostgreSQL before a training start ends: with {@code -Dspring.context.exit=onRefresh} (the
     * class cache's training start, scripts/run.sh) it halts the JVM once the context is refreshed, and a halt
     * runs no shutdown hook, so the server would be left running for the next start to find and stop.
     */
    @Bean(name = AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
    DefaultLifecycleProcessor lifecycleProcessor(ObjectProvider<DataSource> dataSource,
            @Value("${spring.lifecycle.timeout-per-shutdown-phase:30s}") Duration timeoutPerShutdownPhase) {
        DefaultLifecycleProcessor processor = new DefaultLifecycleProcessor() {
            @Override
            public void onRefresh() {
                if (DefaultLifecycleProcessor.ON_REFRESH_VALUE.equalsIgnoreCase(
                        SpringProperties.getProperty(DefaultLifecycleProcessor.EXIT_PROPERTY_NAME))
                        && dataSource.getIfAvailable() instanceof EmbeddedDataSource embedded) {
                    embedded.close();
                }
                super.onRefresh(); // halts there when training
            }
        };
        processor.setTimeoutPerShutdownPhase(timeoutPerShutdownPhase.toMillis());
        return processor;
    }

    private static HikariConfig pool(String name, int size, Duration connectionTimeout, Duration statementTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(Math.min(1_000, connectionTimeout.toMillis()));
        config.setConnectionInitSql("set statement_timeout = " + statementTimeout.toMillis());
        return config;
    }

    /** A pool that refuses at once, instead of waiting its connection timeout, while the embedded server is down. */
    static class FailFastDataSource extends HikariDataSource {
        private final BooleanSupplier available;

        FailFastDataSource(HikariConfig config, BooleanSupplier available) {
            super(config);
            this.available = available;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (!available.getAsBoolean()) {
                throw new SQLTransientConnectionException("the embedded PostgreSQL is restarting", "08001");
            }
            return super.getConnection();
        }
    }

    /** The pool over the embedded server; closing it stops the watchdog and the server too. */
    static final class EmbeddedDataSource extends FailFastDataSource {
        private final EmbeddedDatabase database;
        private final EmbeddedDatabaseWatchdog watchdog;

        EmbeddedDataSource(HikariConfig config, EmbeddedDatabase database, Duration watchInterval) {
            super(config, database::available);
            this.database = database;
            this.watchdog = EmbeddedDatabaseWatchdog.watch(database, this, watchInterval);
        }

        EmbeddedDatabase database() {
            return database;
        }

        @Override
        public void close() {
            watchdog.close();
            super.close();
            database.close();
        }
    }
}
