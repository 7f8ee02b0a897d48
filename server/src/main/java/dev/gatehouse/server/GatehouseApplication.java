package dev.gatehouse.server;

import dev.gatehouse.server.database.EarlyEmbeddedDatabase;
import dev.gatehouse.server.database.StopWhileStarting;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Gatehouse: multi-tenant user and access management. */
@SpringBootApplication
@EnableScheduling
public class GatehouseApplication {

    public static void main(String[] args) {
        boolean verifyOnly = Arrays.stream(args).anyMatch(arg -> arg.startsWith("--gatehouse.audit.verify="));
        if (verifyOnly) {
            // The operators' audit verify (VerifyCommand): the database and the verifier, no web server.
            new SpringApplicationBuilder(GatehouseApplication.class).web(WebApplicationType.NONE)
                    .lazyInitialization(true).listeners(new EarlyEmbeddedDatabase()).run(args);
            return;
        }
        SpringApplication application = new SpringApplication(GatehouseApplication.class);
        // The embedded PostgreSQL starts while the context is built, not before it (docs/benchmarks.md, "Start time").
        // SIGTERM while it starts ends the start at the next bean, not when a bean first misses the database.
        application.addListeners(new EarlyEmbeddedDatabase(), new StopWhileStarting());
        application.run(args);
    }
}
