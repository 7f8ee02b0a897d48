package dev.gatehouse.server.authentication;

import static dev.gatehouse.server.testing.ApiClient.json;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestMembers.Authenticator;
import dev.gatehouse.server.testing.TestMembers.Member;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Builders for the sign-in ITs: a tenant with its admin signed in, staff members past their first
 * password change, an enrolled authenticator, and the database pokes that stand in for time passing.
 */
final class SignInFixtures {

    static final String PASSWORD = TestMembers.PASSWORD;
    static final String WRONG = "not the passphrase at all, sorry";

    private final ApiClient api;
    private final JdbcClient jdbc;

    SignInFixtures(ApiClient api, JdbcClient jdbc) {
        this.api = api;
        this.jdbc = jdbc;
    }

    /** A front-desk member (no users.edit) with an e-mail address, signed in with their own password. */
    Member member(SignedInTenant tenant, String username) {
        return member(tenant, username, "front_desk");
    }

    /** A front-desk member with an e-mail address who has enrolled an authenticator app in their session. */
    Member memberWithMfa(SignedInTenant tenant, String username) {
        return TestMembers.member(username).holding("front_desk").withEmail().withMfa().create(api, tenant);
    }

    /** A member holding {@code role} tenant-wide with an e-mail address, and their session (opened now). */
    Member member(SignedInTenant tenant, String username, String role) {
        Member member = TestMembers.member(username).holding(role).withEmail().create(api, tenant);
        member.token();
        return member;
    }

    Response login(SignedInTenant tenant, String username, String password) {
        return api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", username, "password",
                password));
    }

    /** Enrols and confirms an authenticator for the session's user. */
    Authenticator enrolTotp(String token) {
        return TestMembers.enrolTotp(api, token);
    }

    int failedLogins(String userId) {
        return jdbc.sql("select failed_logins from users where id = :id").param("id", UUID.fromString(userId))
                .query(Integer.class).single();
    }

    boolean lockedNow(String userId) {
        return jdbc.sql("select coalesce(locked_until > now(), false) from users where id = :id")
                .param("id", UUID.fromString(userId)).query(Boolean.class).single();
    }

    /** Time passes until the temporary lock has run out; the counter is left as it is. */
    void lockRunsOut(String userId) {
        jdbc.sql("update users set locked_until = now() - interval '1 minute' where id = :id")
                .param("id", UUID.fromString(userId)).update();
    }

    void setFailures(String userId, int failures) {
        jdbc.sql("update users set failed_logins = :n, locked_until = null where id = :id")
                .param("n", failures).param("id", UUID.fromString(userId)).update();
    }

    /** Counts the user's LOGIN_FAILED events with the given reason. */
    int failures(String tenantId, String userId, String reason) {
        return jdbc.sql("""
                        select count(*) from audit_events
                        where tenant_id = :tenant and action = 'LOGIN_FAILED' and target_id = :user
                          and details ->> 'reason' = :reason
                        """)
                .param("tenant", UUID.fromString(tenantId)).param("user", userId).param("reason", reason)
                .query(Integer.class).single();
    }

    int events(String tenantId, String userId, String action) {
        return jdbc.sql("""
                        select count(*) from audit_events where tenant_id = :tenant and action = :action and target_id = :user
                        """)
                .param("tenant", UUID.fromString(tenantId)).param("action", action).param("user", userId)
                .query(Integer.class).single();
    }
}
