package dev.gatehouse.server.audit;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Reads stored events back into the content their hash covers. */
final class StoredEvents {

    /** The columns {@link #content} needs, for a select list. */
    static final String COLUMNS = """
            tenant_id, seq, at, action, actor_id, actor_username, actor_roles, target_type, target_id,
            target_name, ip, user_agent, details::text as details, prev_hash, hash""";

    record Stored(AuditChain.Content content, byte @Nullable [] previous, byte @Nullable [] hash) {}

    private StoredEvents() {}

    static Stored read(ResultSet rs) throws SQLException {
        Array roles = rs.getArray("actor_roles");
        AuditChain.Content content = new AuditChain.Content(rs.getObject("tenant_id", UUID.class), rs.getLong("seq"),
                rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("action"),
                rs.getObject("actor_id", UUID.class), rs.getString("actor_username"),
                roles == null ? List.of() : List.of((String[]) roles.getArray()), rs.getString("target_type"),
                rs.getString("target_id"), rs.getString("target_name"), rs.getString("ip"), rs.getString("user_agent"),
                AuditChain.canonicalJson(rs.getString("details")));
        return new Stored(content, rs.getBytes("prev_hash"), rs.getBytes("hash"));
    }
}
