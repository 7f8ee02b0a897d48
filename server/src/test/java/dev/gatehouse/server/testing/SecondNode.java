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

    /** The plain node that {@link #shared} keeps for this test JVM, and the database it was started on. */
    private static SecondNode shared;
    private static String sharedOn;

    private final ConfigurableApplicationContext context;

    private SecondNode(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts a node on a random port over the database behind {@code firstNodeDataSource}. */
    public static SecondNode startBeside(DataSource firstNodeDataSource) {
        return startBeside(firstNodeDataSource, new String[0]);
    }

    /**
     * What the shared node has beyond {@link #startBeside(DataSource)}'s: what ThrottlingIT and ChangeStreamIT
     * need of a node, none of which changes what the other classes on it see. It trusts the loopback proxy's
     * {@code X-Forwarded-For} (ThrottlingIT comes from an address of its own per test; a request without the
     * header is from 127.0.0.1 as before), has a pool for ThrottlingIT's 300 requests at once, the tests'
     * scrape token, and sends a heartbeat every 0.3 s on a change stream, of which it serves at most two per
     * tenant (ChangeStreamIT; no other class opens a stream on it).
     */
    private static final String[] SHARED_NODE = {"server.forward-headers-strategy=native", "gatehouse.db.pool-size=8",
        "gatehouse.metrics.token=" + IntegrationTest.METRICS_TOKEN, "gatehouse.changes.heartbeat=PT0.3S",
        "gatehouse.changes.max-streams-per-tenant=2"};

    /**
     * One node per test JVM beside {@code firstNodeDataSource}'s database, started on first use and kept
     * until the JVM exits (its context's shutdown hook closes it): the tests share it instead of starting
     * one each (its properties: {@link #SHARED_NODE}); each makes its own tenant. A node that must start at
     * a given moment is {@link #startBeside(DataSource, String...)}'s, closed by its test.
     */
    public static synchronized SecondNode shared(DataSource firstNodeDataSource) {
        String database = ((HikariDataSource) firstNodeDataSource).getJdbcUrl();
        if (shared == null || !shared.context.isActive() || !database.equals(sharedOn)) {
            if (shared != null) {
                shared.close();
            }
            shared = startBeside(firstNodeDataSource, SHARED_NODE);
            sharedOn = database;
        }
        return shared;
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
