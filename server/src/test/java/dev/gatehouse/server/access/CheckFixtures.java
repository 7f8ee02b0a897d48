package dev.gatehouse.server.access;

import dev.gatehouse.server.authentication.Passwords;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestTenants;
import dev.gatehouse.server.users.UserStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tenants, locations and users for the decision API's tests. The tenant and its first admin come
 * from the fixture family (TestTenants, through the API); locations and further users are written
 * with the stores, announcing each change as the services must: the rows here hold states and times
 * the users API does not make (invited or disabled users, assignments that start or expire at a
 * given instant).
 */
final class CheckFixtures {

    static final String ADMIN_PASSWORD = "first admin password 1234";
    static final String NEW_ADMIN_PASSWORD = "the admin's own passphrase";
    static final String USER_PASSWORD = "a user's long passphrase";

    /** A tenant made through the API, with its admin signed in after the forced password change. */
    record TestTenant(String slug, TenantId id, UUID adminId, String adminToken) {}

    /** One role held by a test user: at a location (null: tenant-wide), maybe only for a while. */
    record Held(String role, @Nullable UUID location, @Nullable Instant startsAt, @Nullable Instant expiresAt) {
        static Held tenantWide(String role) {
            return new Held(role, null, null, null);
        }

        static Held at(String role, UUID location) {
            return new Held(role, location, null, null);
        }
    }

    private final ApiClient api;
    private final String operatorToken;
    private final UserStore users;
    private final Assignments assignments;
    private final AccessChanges changes;
    private final Passwords passwords;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private String userPasswordHash;

    CheckFixtures(ApiClient api, String operatorToken, ApplicationContext context) {
        this.api = api;
        this.operatorToken = operatorToken;
        this.users = context.getBean(UserStore.class);
        this.assignments = context.getBean(Assignments.class);
        this.changes = context.getBean(AccessChanges.class);
        this.passwords = context.getBean(Passwords.class);
        this.jdbc = context.getBean(JdbcClient.class);
        this.transaction = context.getBean(TransactionTemplate.class);
    }

    /** A tenant with slug {@code slug}, made through the API by the fixture family (TestTenants). */
    TestTenant tenant(String slug, String pack) {
        SignedInTenant tenant = TestTenants.tenant(pack).slug(slug).adminPasswords(ADMIN_PASSWORD, NEW_ADMIN_PASSWORD)
                .create(api, operatorToken);
        return new TestTenant(slug, new TenantId(UUID.fromString(tenant.id())), UUID.fromString(tenant.adminId()),
                tenant.adminToken());
    }

    UUID location(TestTenant tenant, String name, @Nullable UUID parent) {
        UUID id = UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            jdbc.sql("insert into locations (tenant_id, id, name, parent_id) values (:tenant, :id, :name, :parent)")
                    .param("tenant", tenant.id().value()).param("id", id).param("name", name).param("parent", parent)
                    .update();
            changes.policyChanged(tenant.id());
        });
        return id;
    }

    /** An active user who can sign in with {@link #USER_PASSWORD}, holding {@code roles}. */
    UUID user(TestTenant tenant, String username, Held... roles) {
        return user(tenant, username, "ACTIVE", roles);
    }

    UUID user(TestTenant tenant, String username, String status, Held... roles) {
        if (userPasswordHash == null) {
            userPasswordHash = passwords.hash(USER_PASSWORD);
        }
        return transaction.execute(tx -> {
            UUID id = users.insert(tenant.id(), new UserStore.NewUser(username, "Test", "User", null, null, "HUMAN",
                    status, userPasswordHash, List.of()));
            for (Held held : roles) {
                assignments.insert(tenant.id(), id, held.role(), held.location(), held.startsAt(), held.expiresAt(),
                        "DIRECT", null);
            }
            changes.subjectChanged(tenant.id(), id);
            return id;
        });
    }

    String login(TestTenant tenant, String username) {
        return api.login(tenant.slug(), username, USER_PASSWORD);
    }
}
