package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Bearer sessions, found by the hash of their token. */
@Repository
public class Sessions {

    /** A live session with what the filter needs to know about its user. */
    record Live(TenantId tenant, String tenantSlug, UUID id, UUID userId, String username, String userStatus,
            List<String> requiredActions, Instant lastSeenAt, Instant expiresAt, Duration idle) {
        Live seenAt(Instant now) {
            return new Live(tenant, tenantSlug, id, userId, username, userStatus, requiredActions, now, expiresAt, idle);
        }
    }

    private final JdbcClient jdbc;
    private final SessionCache cache;

    Sessions(JdbcClient jdbc, SessionCache cache) {
        this.jdbc = jdbc;
        this.cache = cache;
    }

    UUID create(TenantId tenant, UUID user, byte[] tokenHash, Instant now, Instant expiresAt, @Nullable String ip,
            @Nullable String userAgent) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into sessions (tenant_id, id, user_id, token_hash, created_at, last_seen_at, authenticated_at,
                            expires_at, ip, user_agent)
                        values (:tenant, :id, :user, :hash, :now, :now, :now, :expires, :ip, :agent)
                        """)
                .param("tenant", tenant.value()).param("id", id).param("user", user).param("hash", tokenHash)
                .param("now", utc(now)).param("expires", utc(expiresAt)).param("ip", ip).param("agent", userAgent)
                .update();
        return id;
    }

    Optional<Live> findLive(byte[] tokenHash, Instant now) {
        return jdbc.sql("""
                        select s.tenant_id, t.slug, s.id, s.user_id, u.username, u.status, u.required_actions,
                               s.last_seen_at, s.expires_at,
                               coalesce((t.settings -> 'sessionPolicy' ->> 'idleMinutes')::int, 30) as idle_minutes
                        from sessions s
                        join users u on u.tenant_id = s.tenant_id and u.id = s.user_id
                        join tenants t on t.id = s.tenant_id
                        where s.token_hash = :hash and s.ended_at is null and s.expires_at > :now
                          and t.status = 'ACTIVE'
                        """)
                .param("hash", tokenHash).param("now", utc(now))
                .query((rs, n) -> new Live(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getString("slug"),
                        rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("username"),
                        rs.getString("status"), Arrays.asList((String[]) rs.getArray("required_actions").getArray()),
                        rs.getObject("last_seen_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                        Duration.ofMinutes(rs.getInt("idle_minutes"))))
                .optional();
    }

    /** When the session's user last proved a factor, or empty when the session is gone. */
    Optional<Instant> authenticatedAt(TenantId tenant, UUID session) {
        return jdbc.sql("select authenticated_at from sessions where tenant_id = :tenant and id = :id and ended_at is null")
                .param("tenant", tenant.value()).param("id", session)
                .query((rs, n) -> rs.getObject("authenticated_at", OffsetDateTime.class).toInstant()).optional();
    }

    void reauthenticated(TenantId tenant, UUID session, Instant now) {
        jdbc.sql("update sessions set authenticated_at = :now where tenant_id = :tenant and id = :id")
                .param("now", utc(now)).param("tenant", tenant.value()).param("id", session).update();
    }

    /** Forgets the cached state of a user's sessions, e.g. after their required actions changed. */
    void forgetUser(TenantId tenant, UUID user) {
        cache.evictUser(tenant, user);
    }

    void touch(TenantId tenant, UUID session, Instant now) {
        jdbc.sql("update sessions set last_seen_at = :now where tenant_id = :tenant and id = :id")
                .param("now", utc(now)).param("tenant", tenant.value()).param("id", session).update();
    }

    void end(TenantId tenant, UUID session, Instant now, String reason) {
        jdbc.sql("""
                        update sessions set ended_at = :now, end_reason = :reason
                        where tenant_id = :tenant and id = :id and ended_at is null
                        """)
                .param("now", utc(now)).param("reason", reason).param("tenant", tenant.value()).param("id", session)
                .update();
        cache.evictSession(tenant, session);
    }

    /** Ends every live session of a user, but {@code keep} if given; returns how many ended. */
    public int endAll(TenantId tenant, UUID user, @Nullable UUID keep, Instant now, String reason) {
        // The kept session is evicted too: what ended the others (a password change) changed its user.
        cache.evictUser(tenant, user);
        return jdbc.sql("""
                        update sessions set ended_at = :now, end_reason = :reason
                        where tenant_id = :tenant and user_id = :user and ended_at is null
                          and (cast(:keep as uuid) is null or id <> cast(:keep as uuid))
                        """)
                .param("now", utc(now)).param("reason", reason).param("tenant", tenant.value()).param("user", user)
                .param("keep", keep).update();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
