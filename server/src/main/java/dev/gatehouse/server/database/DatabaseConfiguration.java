package dev.gatehouse.server.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One database, PostgreSQL, two ways: {@code GATEHOUSE_DB_URL} (with {@code _USER} and
 * {@code _PASSWORD}) names an external server; without it Gatehouse starts its own under
 * {@code gatehouse.data-dir} (default {@code ./data}).
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    DataSource dataSource(
            @Value("${gatehouse.db.url:}") String url,
            @Value("${gatehouse.db.user:}") String user,
            @Value("${gatehouse.db.password:}") String password,
            @Value("${gatehouse.data-dir:./data}") String dataDir,
            @Value("${gatehouse.db.pool-size:16}") int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("gatehouse");
        config.setMaximumPoolSize(poolSize);
        if (url.isBlank()) {
            EmbeddedDatabase embedded = EmbeddedDatabase.start(Path.of(dataDir).resolve("postgres"));
            config.setJdbcUrl(embedded.jdbcUrl());
            return new EmbeddedDataSource(config, embedded);
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

    /** The pool over the embedded server; closing it stops the server too. */
    static final class EmbeddedDataSource extends HikariDataSource {
        private final EmbeddedDatabase database;

        EmbeddedDataSource(HikariConfig config, EmbeddedDatabase database) {
            super(config);
            this.database = database;
        }

        @Override
        public void close() {
            super.close();
            database.close();
        }
    }
}
