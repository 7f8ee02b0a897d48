package dev.gatehouse.server.platform;

import static dev.gatehouse.server.testing.ApiClient.json;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builders for the impersonation and break-glass ITs: operators of the platform tenant with or
 * without the platform permissions and staff of a tenant, both from the fixture family
 * ({@link TestMembers}), the operator's two requests, and the tenant's trail read straight from
 * the table.
 */
final class OperatorFixtures {

    static final String PASSWORD = TestMembers.PASSWORD;

    /** One stored audit event, as the assertions read it. */
    record Event(long seq, String action, @Nullable UUID actorId, @Nullable String actorUsername,
            List<String> actorRoles, @Nullable String targetType, @Nullable String targetId,
            @Nullable String targetName, @Nullable String ip, JsonNode details, String text) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiClient api;
    private final JdbcClient jdbc;
    private final ApplicationContext context;

    OperatorFixtures(ApiClient api, JdbcClient jdbc, ApplicationContext context) {
        this.api = api;
        this.jdbc = jdbc;
        this.context = context;
    }

    String platformId() {
        return jdbc.sql("select id from tenants where slug = 'platform'").query(UUID.class).single().toString();
    }

    UUID operatorId() {
        return userId(platformId(), IntegrationTest.OPERATOR);
    }

    UUID userId(String tenant, String username) {
        return jdbc.sql("select id from users where tenant_id = :tenant and username = :name")
                .param("tenant", UUID.fromString(tenant)).param("name", username).query(UUID.class).single();
    }

    /** A new operator holding the platform role {@code role}, signed in; answers their token. */
    String operatorWithRole(String username, String role) {
        TestMembers.platformOperator(context, username, role, null);
        return api.login("platform", username, PASSWORD);
    }

    /** A new operator who holds no platform role at all, signed in; answers their token. */
    String operatorWithoutRoles(String username) {
        TestMembers.platformOperator(context, username, null, null);
        return api.login("platform", username, PASSWORD);
    }

    /** An active staff member of the tenant holding {@code role}, with {@link #PASSWORD} and no session. */
    UUID staff(SignedInTenant tenant, String username, String role) {
        return UUID.fromString(TestMembers.member(username).holding(role).signedOutAfterFirstSignIn()
                .create(api, tenant).id());
    }

    Response impersonate(String token, String tenant, Object user, String reason) {
        return api.post("/api/v1/tenants/" + tenant + "/users/" + user + "/impersonation", token,
                json("reason", reason));
    }

    Response breakGlass(String token, String tenant, Object user, String reason) {
        return api.post("/api/v1/tenants/" + tenant + "/users/" + user + "/break-glass", token, json("reason", reason));
    }

    /** Makes the operator's sign-in look older than any re-authentication window (5 minutes by default). */
    void proofMinutesAgo(UUID operator, int minutes) {
        jdbc.sql("""
                        update sessions set authenticated_at = now() - make_interval(mins => :minutes)
                        where tenant_id = :tenant and user_id = :user
                        """)
                .param("minutes", minutes).param("tenant", UUID.fromString(platformId())).param("user", operator)
                .update();
    }

    /** Drops the user's sessions from this node's cache, as any change to the user does. */
    void forget(String tenant, UUID user) {
        context.getBean(AccessChanges.class).subjectChanged(new TenantId(UUID.fromString(tenant)), user);
    }

    long lastSeq(String tenant) {
        return jdbc.sql("select coalesce(max(seq), 0) from audit_events where tenant_id = :tenant")
                .param("tenant", UUID.fromString(tenant)).query(Long.class).single();
    }

    /** The tenant's events after {@code seq}, oldest first. */
    List<Event> since(String tenant, long seq) {
        return jdbc.sql("""
                        select seq, action, actor_id, actor_username, actor_roles, target_type, target_id, target_name,
                               ip, details::text as details, row_to_json(e)::text as whole
                        from audit_events e where tenant_id = :tenant and seq > :seq order by seq
                        """)
                .param("tenant", UUID.fromString(tenant)).param("seq", seq)
                .query((rs, n) -> new Event(rs.getLong("seq"), rs.getString("action"),
                        rs.getObject("actor_id", UUID.class), rs.getString("actor_username"),
                        List.of((String[]) rs.getArray("actor_roles").getArray()), rs.getString("target_type"),
                        rs.getString("target_id"), rs.getString("target_name"), rs.getString("ip"),
                        JSON.readTree(rs.getString("details")), rs.getString("whole")))
                .list();
    }

    /** The tenant's events with {@code action} after {@code seq}. */
    List<Event> since(String tenant, long seq, String action) {
        return since(tenant, seq).stream().filter(e -> e.action().equals(action)).toList();
    }
}
