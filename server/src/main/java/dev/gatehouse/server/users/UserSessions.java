package dev.gatehouse.server.users;

import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.Impersonator;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A user's live sessions as an admin sees them (seed 000, "multi-device awareness"). Ending them
 * is {@code Sessions.endAll}; this only reads.
 */
@Repository
public class UserSessions {

    /** One live session; {@code impersonatedBy} names the platform operator of an impersonation. */
    public record Live(UUID id, Instant createdAt, Instant lastSeenAt, Instant expiresAt, @Nullable String ip,
            @Nullable String userAgent, @Nullable Impersonator impersonatedBy) {}

    /**
     * Not ended, not expired and not idle longer than the tenant's session policy allows
     * ({@code sessionPolicy.idleMinutes}, given as {@code :idle}).
     */
    private static final String LIVE = """
            from sessions s
            where s.tenant_id = :tenant and s.user_id = :user and s.ended_at is null and s.expires_at > :now
              and s.last_seen_at + make_interval(mins => :idle) > :now
            """;

    private final JdbcClient jdbc;
    private final TenantSettingsStore settings;

    UserSessions(JdbcClient jdbc, TenantSettingsStore settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    List<Live> page(TenantId tenant, UUID user, Instant now, int page, int size) {
        return jdbc.sql("select s.id, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent, s.impersonator_id,"
                        + " s.impersonator_username " + LIVE
                        + " order by s.last_seen_at desc, s.id limit :size offset :offset")
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now)).param("idle", idleMinutes(tenant))
                .param("size", size).param("offset", (long) page * size)
                .query((rs, n) -> new Live(rs.getObject("id", UUID.class),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("last_seen_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant(), rs.getString("ip"),
                        rs.getString("user_agent"), impersonator(rs.getObject("impersonator_id", UUID.class),
                                rs.getString("impersonator_username"))))
                .list();
    }

    long count(TenantId tenant, UUID user, Instant now) {
        return jdbc.sql("select count(*) " + LIVE)
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now)).param("idle", idleMinutes(tenant))
                .query(Long.class).single();
    }

    /** Whether {@code session} is one of the live sessions {@link #page} lists for the user. */
    boolean isLive(TenantId tenant, UUID user, UUID session, Instant now) {
        return jdbc.sql("select count(*) " + LIVE + " and s.id = :id")
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now)).param("idle", idleMinutes(tenant))
                .param("id", session)
                .query(Long.class).single() > 0;
    }

    private int idleMinutes(TenantId tenant) {
        return settings.of(tenant).sessionPolicy().idleMinutes();
    }

    private static @Nullable Impersonator impersonator(@Nullable UUID id, @Nullable String username) {
        return id == null || username == null ? null : new Impersonator(id, username);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
