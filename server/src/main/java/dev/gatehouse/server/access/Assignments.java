package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Who holds which role, where and when. */
@Repository
public class Assignments {

    private final JdbcClient jdbc;

    Assignments(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public UUID insert(TenantId tenant, UUID user, String role, @Nullable UUID location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, String source, @Nullable UUID grantedBy) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into assignments (tenant_id, id, user_id, role_key, location_id, starts_at, expires_at, source, granted_by)
                        values (:tenant, :id, :user, :role, :location, :startsAt, :expiresAt, :source, :grantedBy)
                        """)
                .param("tenant", tenant.value()).param("id", id).param("user", user).param("role", role)
                .param("location", location)
                .param("startsAt", startsAt == null ? null : startsAt.atOffset(ZoneOffset.UTC))
                .param("expiresAt", expiresAt == null ? null : expiresAt.atOffset(ZoneOffset.UTC))
                .param("source", source).param("grantedBy", grantedBy)
                .update();
        return id;
    }

    /** How many assignments are at the location, counting expired and future ones. */
    public long countAt(TenantId tenant, UUID location) {
        return jdbc.sql("select count(*) from assignments where tenant_id = :tenant and location_id = :location")
                .param("tenant", tenant.value()).param("location", location).query(Long.class).single();
    }
}
