package dev.gatehouse.server.audit;

import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends audit events. Called inside the transaction of the change it records, so a change
 * without its event (or an event without its change) cannot commit. Never pass secrets in
 * {@code details}: no passwords, tokens, codes or hashes.
 */
@Component
public class AuditLog {

    /** Who did it: their id, username and the roles they held at that moment. */
    public record Actor(@Nullable UUID id, @Nullable String username, List<String> roles) {
        public static final Actor SYSTEM = new Actor(null, "system", List.of());

        public Actor {
            roles = List.copyOf(roles);
        }
    }

    /** What it was done to. */
    public record Target(String type, String id, @Nullable String name) {}

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Appends one event in the current transaction; returns its sequence number. */
    @Transactional(propagation = Propagation.MANDATORY)
    public long record(TenantId tenant, String action, Actor actor, @Nullable Target target,
            @Nullable String ip, @Nullable String userAgent, Map<String, ?> details) {
        long seq = jdbc.sql("""
                        insert into audit_sequences (tenant_id, last_seq) values (:tenant, 1)
                        on conflict (tenant_id) do update set last_seq = audit_sequences.last_seq + 1
                        returning last_seq
                        """)
                .param("tenant", tenant.value()).query(Long.class).single();
        jdbc.sql("""
                        insert into audit_events (tenant_id, seq, action, actor_id, actor_username, actor_roles,
                            target_type, target_id, target_name, ip, user_agent, details)
                        values (:tenant, :seq, :action, :actorId, :actorUsername, :actorRoles,
                            :targetType, :targetId, :targetName, :ip, :userAgent, cast(:details as jsonb))
                        """)
                .param("tenant", tenant.value())
                .param("seq", seq)
                .param("action", action)
                .param("actorId", actor.id())
                .param("actorUsername", actor.username())
                .param("actorRoles", actor.roles().toArray(String[]::new))
                .param("targetType", target == null ? null : target.type())
                .param("targetId", target == null ? null : target.id())
                .param("targetName", target == null ? null : target.name())
                .param("ip", ip)
                .param("userAgent", userAgent)
                .param("details", json.writeValueAsString(details))
                .update();
        return seq;
    }
}
