package dev.gatehouse.server.authentication;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Bearer sessions, found by the hash of their token. */
@Repository
public class Sessions {

    /** A live session with what the filter needs to know about its user. */
    record Live(TenantId tenant, String tenantSlug, UUID id, UUID userId, String username, String userStatus,
            List<String> requiredActions, Instant lastSeenAt, Instant expiresAt, SessionRules rules) {
        Live seenAt(Instant now) {
            return new Live(tenant, tenantSlug, id, userId, username, userStatus, requiredActions, now, expiresAt, rules);
        }

        Duration idle() {
            return rules.idle();
        }

        boolean isPlatformOperator() {
            return tenantSlug.equals(Caller.PLATFORM);
        }
    }

    /** A session as its user sees it in their list of devices (seed 000, "multi-device awareness"). */
    record Listed(UUID id, @Nullable String userAgent, @Nullable String ip, Instant createdAt, Instant lastSeenAt,
            Instant expiresAt) {}

    /** The roles a user holds now, by assignments valid at {@code :now}; for the per-role rules. */
    private static final String HELD_ROLES = """
            array(select distinct a.role_key from assignments a
                  where a.tenant_id = u.tenant_id and a.user_id = u.id
                    and (a.starts_at is null or a.starts_at <= :now) and (a.expires_at is null or a.expires_at > :now))
            """;

    private final JdbcClient jdbc;
    private final SessionCache cache;
    private final AuditLog audit;
    private final Accounts accounts;

    Sessions(JdbcClient jdbc, SessionCache cache, AuditLog audit, Accounts accounts) {
        this.accounts = accounts;
        this.jdbc = jdbc;
        this.cache = cache;
        this.audit = audit;
    }

    /** The session and network rules that apply to the user now. */
    SessionRules rulesFor(TenantId tenant, UUID user, Instant now) {
        return jdbc.sql("select t.settings::text as settings, " + HELD_ROLES + """
                         as roles
                        from users u join tenants t on t.id = u.tenant_id
                        where u.tenant_id = :tenant and u.id = :user
                        """)
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now))
                .query((rs, n) -> SessionRules.of(rs.getString("settings"), roles(rs))).single();
    }

    /**
     * Opens a session, within the tenant's cap on concurrent sessions ({@code sessionPolicy.maxConcurrent};
     * seed 000 "session controls", ASVS 7.4): over it, the oldest sessions end ({@code onLimit}
     * END_OLDEST, the default) or the sign-in is refused (REFUSE, 409). Every path that signs a user
     * in comes through here, so none can bypass the cap.
     */
    UUID create(TenantId tenant, UUID user, byte[] tokenHash, Instant now, Instant expiresAt, @Nullable String ip,
            @Nullable String userAgent) {
        SessionRules rules = rulesFor(tenant, user, now);
        if (rules.maxConcurrent() != null) {
            withinLimit(tenant, user, rules, now, ip, userAgent);
        }
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
                               s.last_seen_at, s.expires_at, t.settings::text as settings,
                        """ + HELD_ROLES + """
                                as roles
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
                        SessionRules.of(rs.getString("settings"), roles(rs))))
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

    /** Ends the oldest live sessions, or refuses, so that one more stays within the cap. */
    private void withinLimit(TenantId tenant, UUID user, SessionRules rules, Instant now, @Nullable String ip,
            @Nullable String userAgent) {
        // Parallel sign-ins of one user queue here, so that together they cannot exceed the cap.
        String username = jdbc.sql("select username from users where tenant_id = :tenant and id = :user for update")
                .param("tenant", tenant.value()).param("user", user).query(String.class).single();
        List<UUID> live = jdbc.sql("""
                        select id from sessions
                        where tenant_id = :tenant and user_id = :user and ended_at is null and expires_at > :now
                          and last_seen_at + make_interval(secs => cast(:idle as double precision)) > :now
                        order by created_at, id
                        """)
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now))
                .param("idle", rules.idle().toSeconds()).query(UUID.class).list();
        int excess = live.size() - rules.maxConcurrent() + 1;
        if (excess <= 0) {
            return;
        }
        if (rules.refuseOverLimit()) {
            throw new ApiException(HttpStatus.CONFLICT, "Too many sessions", "you already have " + live.size()
                    + " active session(s), the most this tenant allows (sessionPolicy.maxConcurrent = "
                    + rules.maxConcurrent() + "); sign out on another device or end a session there, then sign in again",
                    List.of());
        }
        for (UUID oldest : live.subList(0, excess)) {
            end(tenant, oldest, now, "SESSION_LIMIT");
            audit.record(tenant, "SESSION_REVOKED", new AuditLog.Actor(user, username, accounts.currentRoles(tenant, user)),
                    new AuditLog.Target("session", oldest.toString(), username), ip, userAgent,
                    Map.of("reason", "SESSION_LIMIT", "maxConcurrent", rules.maxConcurrent()));
        }
    }

    /** The user's live sessions (not ended, not expired, not idle too long), most recently used first. */
    List<Listed> listLive(TenantId tenant, UUID user, Duration idle, Instant now, int page, int size) {
        return jdbc.sql("select id, user_agent, ip, created_at, last_seen_at, expires_at " + LIVE_OF_USER
                        + " order by last_seen_at desc, id limit :size offset :offset")
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now))
                .param("idle", idle.toSeconds()).param("size", size).param("offset", (long) page * size)
                .query((rs, n) -> new Listed(rs.getObject("id", UUID.class), rs.getString("user_agent"),
                        rs.getString("ip"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("last_seen_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant()))
                .list();
    }

    long countLive(TenantId tenant, UUID user, Duration idle, Instant now) {
        return jdbc.sql("select count(*) " + LIVE_OF_USER)
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now))
                .param("idle", idle.toSeconds()).query(Long.class).single();
    }

    /** Whether {@code session} is a live session of {@code user}. */
    boolean isLiveOf(TenantId tenant, UUID user, UUID session, Duration idle, Instant now) {
        return jdbc.sql("select count(*) " + LIVE_OF_USER + " and id = :id")
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now))
                .param("idle", idle.toSeconds()).param("id", session).query(Long.class).single() > 0;
    }

    private static final String LIVE_OF_USER = """
            from sessions
            where tenant_id = :tenant and user_id = :user and ended_at is null and expires_at > :now
              and last_seen_at + make_interval(secs => cast(:idle as double precision)) > :now
            """;

    private static List<String> roles(java.sql.ResultSet rs) throws java.sql.SQLException {
        return Arrays.asList((String[]) rs.getArray("roles").getArray());
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

    /** Ends one session of {@code user} if it has not ended yet; returns whether it did. */
    public boolean endOf(TenantId tenant, UUID user, UUID session, Instant now, String reason) {
        int ended = jdbc.sql("""
                        update sessions set ended_at = :now, end_reason = :reason
                        where tenant_id = :tenant and user_id = :user and id = :id and ended_at is null
                        """)
                .param("now", utc(now)).param("reason", reason).param("tenant", tenant.value()).param("user", user)
                .param("id", session).update();
        cache.evictSession(tenant, session);
        return ended > 0;
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
