package dev.gatehouse.server.testing;

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
}
