package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Profile photos (V94), always by tenant and user. */
@Repository
class PhotoStore {

    private final JdbcClient jdbc;

    PhotoStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<UserPhoto> of(TenantId tenant, UUID user) {
        return jdbc.sql("select content_type, bytes, updated_at from user_photos where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> new UserPhoto(rs.getString(1), rs.getBytes(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()))
                .optional();
    }

    /** Type and size of the stored photo, without reading its bytes: what the audit of a removal needs. */
    Optional<Summary> summary(TenantId tenant, UUID user) {
        return jdbc.sql("select content_type, octet_length(bytes) from user_photos where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> new Summary(rs.getString(1), rs.getInt(2)))
                .optional();
    }

    void save(TenantId tenant, UUID user, String contentType, byte[] bytes, Instant now) {
        jdbc.sql("""
                        insert into user_photos (tenant_id, user_id, content_type, bytes, updated_at)
                        values (:tenant, :user, :type, :bytes, :now)
                        on conflict (tenant_id, user_id)
                        do update set content_type = excluded.content_type, bytes = excluded.bytes, updated_at = excluded.updated_at
                        """)
                .param("tenant", tenant.value()).param("user", user).param("type", contentType).param("bytes", bytes)
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC)).update();
    }

    void delete(TenantId tenant, UUID user) {
        jdbc.sql("delete from user_photos where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).update();
    }

    record Summary(String contentType, int size) {}
}
