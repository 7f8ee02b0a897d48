package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestMembers.Member;
import dev.gatehouse.server.testing.TestTenants;
import java.net.URI;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Named builders for the users ITs: a tenant with its owner signed in and past the first password
 * change, locations, and staff members who hold given roles and have signed in themselves.
 */
final class UserFixtures {

    static final String PASSWORD = "correct horse battery staple";
    static final String SET_BY_ADMIN = "handed over by the admin";

    /** A tenant and its owner (holding the pack's admin role tenant-wide), signed in. */
    record Tenant(String slug, String id, String ownerId, String owner) {
        String users() {
            return "/api/v1/tenants/" + slug + "/users";
        }

        String user(String userId) {
            return users() + "/" + userId;
        }
    }

    private final ApiClient api;
    private final String operator;
    private final JdbcClient jdbc;
    private final AccessChanges changes;

    UserFixtures(ApiClient api, String operator, JdbcClient jdbc, AccessChanges changes) {
        this.api = api;
        this.operator = operator;
        this.jdbc = jdbc;
        this.changes = changes;
    }

    Tenant clinic() {
        return tenant("clinic", "owner");
    }

    /** A tenant whose owner {@code ownerName} (Olive Owner, with an e-mail address) has signed in. */
    Tenant tenant(String pack, String ownerName) {
        SignedInTenant tenant = TestTenants.tenant(pack).adminNamed(ownerName).adminCalled("Olive", "Owner")
                .withAdminEmail().adminPasswords(SET_BY_ADMIN + " 12345", PASSWORD).create(api, operator);
        return new Tenant(tenant.slug(), tenant.id(), tenant.adminId(), tenant.adminToken());
    }

    /** Adds a location (top level when {@code parent} is null) as the owner would, through the locations API. */
    String location(Tenant tenant, String name, String parent) {
        return TestTenants.location(api, new SignedInTenant(tenant.slug(), tenant.id(), tenant.ownerId(),
                tenant.owner()), name, parent);
    }

    String location(Tenant tenant, String name) {
        return location(tenant, name, null);
    }

    /**
     * Adds a custom role granting {@code permissions} with one scope. The roles API is another
     * feature's; the rows are written directly and the tenant's policy refreshed.
     */
    void customRole(Tenant tenant, String key, String scope, String... permissions) {
        UUID id = UUID.fromString(tenant.id());
        jdbc.sql("insert into roles (tenant_id, key, name, built_in) values (:tenant, :key, :key, false)")
                .param("tenant", id).param("key", key).update();
        for (int i = 0; i < permissions.length; i++) {
            jdbc.sql("""
                            insert into role_grants (tenant_id, role_key, position, permission, scope)
                            values (:tenant, :key, :position, :permission, :scope)
                            """)
                    .param("tenant", id).param("key", key).param("position", i).param("permission", permissions[i])
                    .param("scope", scope).update();
        }
        changes.policyChanged(new TenantId(id));
    }

    /** Sets one tenant setting (the settings API is another feature's). */
    void setting(Tenant tenant, String name, String jsonValue) {
        jdbc.sql("update tenants set settings = jsonb_set(settings, cast(:path as text[]), cast(:value as jsonb)) where id = :id")
                .param("path", new String[] {name}).param("value", jsonValue).param("id", UUID.fromString(tenant.id()))
                .update();
        changes.policyChanged(new TenantId(UUID.fromString(tenant.id())));
    }

    /** Creates a user with an admin-set password and the given roles (a JSON array); returns the id. */
    String user(Tenant tenant, String username, String rolesJson) {
        return builder(username, rolesJson).createWithoutSignIn(api, tenant.slug(), tenant.owner());
    }

    /** A user with the given roles who has signed in and chosen their own password, and their session (opened now). */
    Member member(Tenant tenant, String username, String rolesJson) {
        Member member = builder(username, rolesJson).create(api, tenant.slug(), tenant.owner());
        member.token();
        return member;
    }

    private static TestMembers.Builder builder(String username, String rolesJson) {
        return TestMembers.member(username).called("First " + username, "Last").withEmail(username + "@example.com")
                .holdingJson(rolesJson).passwords(SET_BY_ADMIN + " 12345", PASSWORD);
    }

    /** seed 001: the first sign-in with an admin-set password must change it before anything else. */
    String firstSignIn(String slug, String username, String initial) {
        return TestMembers.firstSignIn(api, slug, username, initial, PASSWORD);
    }

    static String role(String role) {
        return json("role", role);
    }

    static String roleAt(String role, String location) {
        return json("role", role, "location", location);
    }

    /** The token in a one-use link. */
    static String tokenOf(String url) {
        String query = URI.create(url).getQuery();
        return query.substring(query.indexOf("token=") + "token=".length());
    }

    Response accept(String token, String newPassword) {
        return api.post("/api/v1/auth/tokens/accept", null, json("token", token, "newPassword", newPassword));
    }
}
