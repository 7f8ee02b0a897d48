package dev.gatehouse.server.audit;

import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.io.PrintStream;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/**
 * The operators' command-line verify (docs/audit.md):
 * {@code java -jar gatehouse.jar --server.port=0 --gatehouse.audit.verify=<tenant slug or id>}
 * starts the server, verifies that tenant's chain, prints the result and exits with 0 when it
 * holds, 1 when it does not or the tenant does not exist. Without the setting it does nothing.
 */
@Component
class VerifyCommand implements ApplicationRunner {

    private final String tenant;
    private final TenantDirectory tenants;
    private final ChainVerifier verifier;
    private final ConfigurableApplicationContext context;

    VerifyCommand(@Value("${gatehouse.audit.verify:}") String tenant, TenantDirectory tenants, ChainVerifier verifier,
            ConfigurableApplicationContext context) {
        this.tenant = tenant;
        this.tenants = tenants;
        this.verifier = verifier;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (tenant.isBlank()) {
            return;
        }
        int status = run(System.out);
        System.exit(SpringApplication.exit(context, () -> status));
    }

    /** Verifies the configured tenant, printing one line; returns the process exit status. */
    int run(PrintStream out) {
        Optional<TenantId> id = tenants.idOf(tenant);
        if (id.isEmpty()) {
            out.println("audit verify " + tenant + ": no such tenant");
            return 1;
        }
        ChainVerifier.Result result = verifier.verify(id.get());
        out.println("audit verify " + tenant + ": ok=" + result.ok() + " events=" + result.events()
                + " fromSeq=" + result.fromSeq()
                + (result.checkpointSeq() == null ? "" : " checkpointSeq=" + result.checkpointSeq())
                + (result.firstBadSeq() == null ? "" : " firstBadSeq=" + result.firstBadSeq()));
        return result.ok() ? 0 : 1;
    }
}
