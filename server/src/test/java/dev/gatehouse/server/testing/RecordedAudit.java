package dev.gatehouse.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a tenant's audit events straight from the table, for tests that must not depend on the audit API. */
public final class RecordedAudit {

    public record Event(String action, String actor, List<String> actorRoles, String targetId, JsonNode details) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RecordedAudit() {}

    /** The tenant's events with {@code action}, oldest first. */
    public static List<Event> of(JdbcClient jdbc, String tenantId, String action) {
        return jdbc.sql("""
                        select action, actor_username, actor_roles, target_id, details::text as details
                        from audit_events where tenant_id = :tenant and action = :action order by seq
                        """)
                .param("tenant", UUID.fromString(tenantId)).param("action", action)
                .query((rs, n) -> new Event(rs.getString("action"), rs.getString("actor_username"),
                        List.of((String[]) rs.getArray("actor_roles").getArray()), rs.getString("target_id"),
                        JSON.readTree(rs.getString("details"))))
                .list();
    }

    /** The tenant's one event with {@code action}; fails the test when there is none or more. */
    public static Event only(JdbcClient jdbc, String tenantId, String action) {
        List<Event> events = of(jdbc, tenantId, action);
        assertThat(events).as(action).hasSize(1);
        return events.getFirst();
    }

    /** The actions of the tenant's trail, oldest first. */
    public static List<String> actions(JdbcClient jdbc, String tenantId) {
        return jdbc.sql("select action from audit_events where tenant_id = :tenant order by seq")
                .param("tenant", UUID.fromString(tenantId)).query(String.class).list();
    }
}
