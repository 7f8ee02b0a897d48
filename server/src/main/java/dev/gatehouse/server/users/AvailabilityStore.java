package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The weekly availability of a user, kept on the user's row (V92), always by tenant and user. */
@Repository
class AvailabilityStore {

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    AvailabilityStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's availability; {@link WeeklyAvailability#NONE} while none is set. */
    WeeklyAvailability of(TenantId tenant, UUID user) {
        List<String> stored = jdbc.sql("select availability::text from users where tenant_id = :tenant and id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> rs.getString(1)).list();
        if (stored.isEmpty() || stored.getFirst() == null) {
            return WeeklyAvailability.NONE;
        }
        return WeeklyAvailability.ofStored(json.readTree(stored.getFirst()));
    }

    void replace(TenantId tenant, UUID user, WeeklyAvailability availability, Instant now) {
        jdbc.sql("""
                        update users set availability = cast(:availability as jsonb), updated_at = :now
                        where tenant_id = :tenant and id = :user
                        """)
                .param("availability", json.writeValueAsString(availability.document()))
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .param("tenant", tenant.value()).param("user", user).update();
    }
}
