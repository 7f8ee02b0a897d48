package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestMembers.Member;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Named builders for the session and network ITs: a clinic with its owner signed in, staff who hold
 * one role and have chosen their own password, and direct writes of session times, which a test
 * cannot wait for.
 */
final class SessionFixtures {

    static final String PASSWORD = TestMembers.PASSWORD;

    private final ApiClient api;
    private final JdbcClient jdbc;
    private final AccessChanges changes;

    SessionFixtures(ApiClient api, JdbcClient jdbc, AccessChanges changes) {
        this.api = api;
        this.jdbc = jdbc;
        this.changes = changes;
    }

    /** A member holding {@code role} tenant-wide with exactly one session, opened now. */
    Member member(SignedInTenant tenant, String username, String role) {
        Member member = TestMembers.member(username).holding(role).signedOutAfterFirstSignIn().create(api, tenant);
        member.token();
        return member;
    }

    String signIn(SignedInTenant tenant, Member member) {
        return api.login(tenant.slug(), member.username(), PASSWORD);
    }

    Response settings(SignedInTenant tenant, String patch) {
        return api.patch(tenant.path("/settings"), tenant.adminToken(), patch);
    }

    /**
     * Stores one top-level setting directly, as the settings API would but without its check that
     * the admin's own address stays admitted (which would refuse the ranges that keep tests out).
     */
    void store(SignedInTenant tenant, String name, String jsonValue) {
        jdbc.sql("update tenants set settings = jsonb_set(settings, cast(:path as text[]), cast(:value as jsonb)) where id = :id")
                .param("path", new String[] {name}).param("value", jsonValue).param("id", UUID.fromString(tenant.id()))
                .update();
        changes.policyChanged(new TenantId(UUID.fromString(tenant.id())));
    }

    /** Makes every session of the user look last used {@code minutes} ago, and drops them from the cache. */
    void lastSeenMinutesAgo(SignedInTenant tenant, String user, int minutes) {
        jdbc.sql("""
                        update sessions set last_seen_at = now() - make_interval(mins => :minutes)
                        where tenant_id = :tenant and user_id = :user
                        """)
                .param("minutes", minutes).param("tenant", UUID.fromString(tenant.id()))
                .param("user", UUID.fromString(user)).update();
        forget(tenant, user);
    }

    /** Drops the user's sessions from this node's cache, as any change to the user does. */
    void forget(SignedInTenant tenant, String user) {
        changes.subjectChanged(new TenantId(UUID.fromString(tenant.id())), UUID.fromString(user));
    }

    long audited(SignedInTenant tenant, String action, String detailsContain) {
        return jdbc.sql("""
                        select count(*) from audit_events
                        where tenant_id = :tenant and action = :action and details::text like :like
                        """)
                .param("tenant", UUID.fromString(tenant.id())).param("action", action)
                .param("like", "%" + detailsContain + "%").query(Long.class).single();
    }
}
