package dev.gatehouse.server.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.server.GatehouseApplication;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Another Gatehouse node on the same PostgreSQL as the test's application: the production shape of
 * several stateless nodes behind a load balancer.
 */
public final class SecondNode implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private SecondNode(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts a node on a random port over the database behind {@code firstNodeDataSource}. */
    public static SecondNode startBeside(DataSource firstNodeDataSource) {
        return startBeside(firstNodeDataSource, new String[0]);
    }

    /** As {@link #startBeside(DataSource)}, with more properties ({@code name=value}) of this node's own. */
    public static SecondNode startBeside(DataSource firstNodeDataSource, String... properties) {
        HikariDataSource first = (HikariDataSource) firstNodeDataSource;
        List<String> all = new ArrayList<>(List.of(
                // application.properties says server.port=${PORT:8080}, which outranks a default server.port.
                "PORT=0",
                "server.port=0",
                "spring.jmx.enabled=false",
                "gatehouse.db.url=" + first.getJdbcUrl(),
                "gatehouse.db.user=" + (first.getUsername() == null ? "" : first.getUsername()),
                "gatehouse.db.password=" + (first.getPassword() == null ? "" : first.getPassword()),
                "gatehouse.db.pool-size=4",
                "gatehouse.db.minimum-idle=1",
                "gatehouse.db.idle-timeout=10s",
                "gatehouse.passwords.argon2.memory-kib=64",
                "gatehouse.passwords.argon2.iterations=1"));
        // The embedded database's folder, and in every mode the server's generated secret key (secrets.SecretBox):
        // every node must open what the others sealed.
        all.add("gatehouse.data-dir=" + TestDatabase.dataDirectory());
        // One call: the builder keeps only the last set of default properties it was given.
        all.addAll(List.of(properties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GatehouseApplication.class)
                .properties(all.toArray(String[]::new))
                .run();
        return new SecondNode(context);
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
