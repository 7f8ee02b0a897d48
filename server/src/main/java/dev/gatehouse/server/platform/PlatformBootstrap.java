package dev.gatehouse.server.platform;

import dev.gatehouse.engine.packs.RolePack;
import dev.gatehouse.engine.packs.RolePacks;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.access.RoleStore;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.Passwords;
import dev.gatehouse.server.authentication.Tokens;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.tenancy.Tenants;
import dev.gatehouse.server.users.UserStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On first start with an empty database, creates the {@code platform} tenant and its operator from
 * {@code GATEHOUSE_ADMIN_USERNAME} / {@code GATEHOUSE_ADMIN_PASSWORD}, or with a generated one-time
 * password printed to the log. Platform roles are given only here, never through the API
 * (seed 002 §8.4).
 */
@Component
@Order(0)
class PlatformBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(PlatformBootstrap.class);

    private final JdbcClient jdbc;
    private final Tenants tenants;
    private final RoleStore roles;
    private final UserStore users;
    private final Assignments assignments;
    private final Passwords passwords;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final TransactionTemplate transaction;
    private final String username;
    private final String password;

    PlatformBootstrap(JdbcClient jdbc, Tenants tenants, RoleStore roles, UserStore users, Assignments assignments, Passwords passwords,
            AuditLog audit, AccessChanges changes, TransactionTemplate transaction,
            @Value("${gatehouse.admin.username:admin}") String username,
            @Value("${gatehouse.admin.password:}") String password) {
        this.jdbc = jdbc;
        this.tenants = tenants;
        this.roles = roles;
        this.users = users;
        this.assignments = assignments;
        this.passwords = passwords;
        this.audit = audit;
        this.changes = changes;
        this.transaction = transaction;
        this.username = username;
        this.password = password;
    }

    static RolePack platformPack() {
        try (InputStream in = PlatformBootstrap.class.getResourceAsStream("platform-pack.json")) {
            return RolePacks.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void run(ApplicationArguments args) {
        transaction.executeWithoutResult(status -> {
            // Two nodes starting on one empty database: the advisory lock lets one bootstrap.
            jdbc.sql("select pg_advisory_xact_lock(4242)").query().singleValue();
            if (tenants.find(Caller.PLATFORM).isPresent()) {
                return;
            }
            boolean generated = password.isBlank();
            String initial = generated ? Tokens.newToken() : password;
            TenantId platform = new TenantId(UUID.randomUUID());
            tenants.insertPlatform(platform);
            RolePack pack = platformPack();
            roles.install(platform, pack);
            UUID operator = users.insert(platform, new UserStore.NewUser(username, "Platform", "Operator", null, null,
                    "HUMAN", "ACTIVE", passwords.hash(initial),
                    generated ? List.of("CHANGE_PASSWORD") : List.of()));
            assignments.insert(platform, operator, pack.adminRole(), null, null, null, "SYSTEM", null);
            audit.record(platform, "USER_CREATED", AuditLog.Actor.SYSTEM,
                    new AuditLog.Target("user", operator.toString(), username), null, null,
                    Map.of("roles", List.of(pack.adminRole()), "bootstrap", true));
            changes.policyChanged(platform);
            if (generated) {
                log.warn("""

                        ============================================================
                         Gatehouse first start: platform operator created.
                           tenant:   {}
                           username: {}
                           password: {}   (one-time: change it at first sign-in)
                        ============================================================""", Caller.PLATFORM, username, initial);
            } else {
                log.info("Gatehouse first start: platform operator {} created from GATEHOUSE_ADMIN_USERNAME", username);
            }
        });
    }
}
