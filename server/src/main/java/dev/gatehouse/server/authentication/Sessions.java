package dev.gatehouse.server.authentication;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.HolderConditions;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Impersonator;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Bearer sessions, found by the hash of their token. A session may be a platform operator's
 * impersonation of its user ({@link #openImpersonation}); whatever ends one of those, here, records
 * {@code IMPERSONATION_ENDED} in the same transaction, so no way of ending it goes unrecorded.
 */
@Repository
public class Sessions {

    /** A live session with what the filter needs to know about its user, and its impersonator if any. */
    record Live(TenantId tenant, String tenantSlug, UUID id, UUID userId, String username, String userStatus,
            List<String> requiredActions, Instant lastSeenAt, Instant expiresAt, SessionRules rules,
            @Nullable Impersonator impersonatedBy, byte @Nullable [] deviceHash, boolean deviceIdentified) {
        Live seenAt(Instant now) {
            return new Live(tenant, tenantSlug, id, userId, username, userStatus, requiredActions, now, expiresAt, rules,
                    impersonatedBy, deviceHash, deviceIdentified);
        }

        Live withRules(SessionRules rules) {
            return new Live(tenant, tenantSlug, id, userId, username, userStatus, requiredActions, lastSeenAt, expiresAt,
                    rules, impersonatedBy, deviceHash, deviceIdentified);
        }

        Duration idle() {
            return rules.idle();
        }

        boolean isPlatformOperator() {
            return tenantSlug.equals(Caller.PLATFORM);
        }
    }

    /**
     * A session as its user sees it in their list of devices (seed 000, "multi-device awareness"),
     * with the operator when it is an impersonation (docs/access-model.md: visible to the tenant).
     */
    public record Listed(UUID id, @Nullable String userAgent, @Nullable String ip, Instant createdAt, Instant lastSeenAt,
            Instant expiresAt, @Nullable Impersonator impersonatedBy, List<String> clients, DeviceSeen device) {}

    /**
     * The device a session was opened on (issue 15): its label, and when the user first and last
     * signed in on it ({@code id} and the times are null for a session older than device awareness,
     * or on a device since forgotten); {@code hash} is for telling "this device" apart.
     */
    public record DeviceSeen(@Nullable UUID id, String label, @Nullable Instant firstSeenAt, @Nullable Instant lastSeenAt,
            byte @Nullable [] hash) {}

    /** A session that an update just ended, and who impersonated its user, if anyone. */
    private record Ended(UUID id, UUID userId, Instant createdAt, @Nullable Impersonator impersonatedBy) {}

    /** What an update that ends sessions answers, for {@link #impersonationsEnded}. */
    private static final String RETURNING_ENDED = """
             returning id, user_id, created_at, impersonator_id, impersonator_username
            """;

    /** The roles a user holds now, by assignments valid at {@code :now}; for the per-role rules. */
    private static final String HELD_ROLES = HolderConditions.rolesHeld("u", "now");

    /**
     * Issue 16: a member's session (opened from the home account's, {@link #openFromHome}) lives only
     * while the home session does, its account is active and unexpired, and its tenant is active.
     * Accounts and tenants are read through the views users and tenancy publish for this (V148).
     */
    private static final String HOME_SESSION_LIVE = """
            and (s.home_session_id is null or exists (
                select 1 from sessions h
                join user_states hu on hu.tenant_id = h.tenant_id and hu.id = h.user_id
                join tenant_states ht on ht.id = h.tenant_id
                where h.tenant_id = s.home_tenant_id and h.id = s.home_session_id
                  and h.ended_at is null and h.expires_at > :now
                  and hu.status = 'ACTIVE' and (hu.expires_at is null or hu.expires_at > :now)
                  and ht.status = 'ACTIVE'))
            """;

    /** A placeholder while a session's row is read, replaced at once by the tenant's rules ({@link #findLive}). */
    private static final SessionRules NO_RULES_YET = new SessionRules(Duration.ZERO, 0, null, true, List.of(List.of()),
            true);

    /**
     * When this node last recorded a session's use through an application ({@link #usedThrough}):
     * a refresh writes {@code last_seen_at} at most every {@link SessionResolver#TOUCH_INTERVAL}, as
     * a request with the session's own token does (issue 17: a row write per refresh).
     */
    private final Cache<UUID, Instant> usedThrough = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(SessionResolver.TOUCH_INTERVAL).build();

    private final JdbcClient jdbc;
    private final SessionCache cache;
    private final AuditLog audit;
    private final Actors actors;
    private final TenantSettingsStore settings;
    private final SessionClients clients;
    private final Credentials credentials;

    Sessions(JdbcClient jdbc, SessionCache cache, AuditLog audit, Actors actors, TenantSettingsStore settings,
            SessionClients clients, Credentials credentials) {
        this.credentials = credentials;
        this.settings = settings;
        this.clients = clients;
        this.actors = actors;
        this.jdbc = jdbc;
        this.cache = cache;
        this.audit = audit;
    }

    /**
     * The session and network rules that apply to the user now. The roles the user holds are read
     * only when the tenant has rules by role (issue 17: a sign-in asks twice, and most tenants have none).
     */
    SessionRules rulesFor(TenantId tenant, UUID user, Instant now) {
        TenantSettings tenantSettings = settings.of(tenant);
        boolean byRole = !tenantSettings.sessionPolicy().idleMinutesByRole().isEmpty()
                || !tenantSettings.ipAllowlistByRole().isEmpty();
        return SessionRules.of(tenantSettings, byRole ? heldRoles(tenant, user, now) : List.of());
    }

    private List<String> heldRoles(TenantId tenant, UUID user, Instant now) {
        return jdbc.sql("select " + HELD_ROLES + """
                         as roles
                        from user_states u
                        where u.tenant_id = :tenant and u.id = :user
                        """)
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now))
                .query((rs, n) -> roles(rs)).single();
    }

    /**
     * Opens a session, within the tenant's cap on concurrent sessions ({@code sessionPolicy.maxConcurrent};
     * seed 000 "session controls", ASVS 7.4): over it, the oldest sessions end ({@code onLimit}
     * END_OLDEST, the default) or the sign-in is refused (REFUSE, 409). Every path that signs a user
     * in comes through here, so none can bypass the cap.
     */
    UUID create(TenantId tenant, UUID user, byte[] tokenHash, Instant now, Instant expiresAt, @Nullable String ip,
            @Nullable String userAgent, List<String> methods, NewDevices.Device device) {
        return open(tenant, user, tokenHash, now, expiresAt, ip, userAgent, methods, device, false, null);
    }

    /**
     * {@link #create} for a completed sign-in: the same statement (issue 17: one round trip) writes the
     * user's sign-in ({@link Credentials#signedInPart}: {@code lastSignInAt}, the failure counter cleared)
     * and, with a {@code visit}, makes the device and the network known ({@link KnownDevices#visitParts}).
     */
    UUID signedIn(TenantId tenant, UUID user, byte[] tokenHash, Instant now, Instant expiresAt, @Nullable String ip,
            @Nullable String userAgent, List<String> methods, NewDevices.Device device,
            KnownDevices.@Nullable Visit visit) {
        return open(tenant, user, tokenHash, now, expiresAt, ip, userAgent, methods, device, true, visit);
    }

    private UUID open(TenantId tenant, UUID user, byte[] tokenHash, Instant now, Instant expiresAt, @Nullable String ip,
            @Nullable String userAgent, List<String> methods, NewDevices.Device device, boolean signIn,
            KnownDevices.@Nullable Visit visit) {
        SessionRules rules = rulesFor(tenant, user, now);
        if (rules.maxConcurrent() != null) {
            withinLimit(tenant, user, rules, now, ip, userAgent);
        }
        UUID id = UUID.randomUUID();
        List<String> parts = new ArrayList<>(2);
        if (signIn) {
            parts.add(credentials.signedInPart());
        }
        if (visit != null) {
            parts.add(KnownDevices.visitParts(visit));
        }
        JdbcClient.StatementSpec insert = jdbc.sql((parts.isEmpty() ? "" : "with " + String.join(", ", parts)) + """
                        insert into sessions (tenant_id, id, user_id, token_hash, created_at, last_seen_at, authenticated_at,
                            expires_at, ip, user_agent, sign_in_methods, device_hash, device_identified)
                        values (:tenant, :id, :user, :hash, :now, :now, :now, :expires, :ip, :agent, :methods, :device,
                            :identified)
                        """)
                .param("tenant", tenant.value()).param("id", id).param("user", user).param("hash", tokenHash)
                .param("now", utc(now)).param("expires", utc(expiresAt)).param("ip", ip).param("agent", userAgent)
                .param("methods", methods.toArray(String[]::new)).param("device", device.hash())
                .param("identified", device.identified());
        (visit == null ? insert : KnownDevices.bindVisit(insert, visit)).update();
        return id;
    }

    /** The device the session was opened on, or null (none recorded, or no such session). */
    byte @Nullable [] deviceOf(TenantId tenant, UUID session) {
        return jdbc.sql("select device_hash from sessions where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", session)
                .query((rs, n) -> rs.getBytes("device_hash")).optional().orElse(null);
    }

    /** Ends every live session of the user opened on the device; returns the ids ended. */
    @Transactional
    List<UUID> endOnDevice(TenantId tenant, UUID user, byte[] deviceHash, Instant now, String reason) {
        cache.evictUser(tenant, user);
        List<Ended> ended = jdbc.sql("""
                        update sessions set ended_at = :now, end_reason = :reason
                        where tenant_id = :tenant and user_id = :user and device_hash = :hash and ended_at is null
                        """ + RETURNING_ENDED)
                .param("now", utc(now)).param("reason", reason).param("tenant", tenant.value()).param("user", user)
                .param("hash", deviceHash).query(Sessions::ended).list();
        impersonationsEnded(tenant, ended, reason);
        return ended.stream().map(Ended::id).toList();
    }

    /**
     * Opens a platform operator's impersonation of {@code user}: a session of the user that names
     * the operator, ends at {@code expiresAt} however active, and stays outside the user's cap on
     * concurrent sessions (it is not theirs to spend). It never proved a factor of the user (its
     * {@code authenticated_at} is the epoch): besides {@link Reauthentication} refusing it outright,
     * no re-authentication window can ever be open for it.
     */
    UUID openImpersonation(TenantId tenant, UUID user, TenantId operatorTenant, Impersonator operator,
            UUID operatorSession, byte[] tokenHash, Instant now, Instant expiresAt, @Nullable String ip,
            @Nullable String userAgent) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into sessions (tenant_id, id, user_id, token_hash, created_at, last_seen_at, authenticated_at,
                            expires_at, ip, user_agent, impersonator_tenant_id, impersonator_id, impersonator_username,
                            impersonator_session_id)
                        values (:tenant, :id, :user, :hash, :now, :now, 'epoch', :expires, :ip, :agent,
                            :operatorTenant, :operator, :operatorName, :operatorSession)
                        """)
                .param("tenant", tenant.value()).param("id", id).param("user", user).param("hash", tokenHash)
                .param("now", utc(now)).param("expires", utc(expiresAt)).param("ip", ip).param("agent", userAgent)
                .param("operatorTenant", operatorTenant.value()).param("operator", operator.id())
                .param("operatorName", operator.username()).param("operatorSession", operatorSession)
                .update();
        return id;
    }

    Optional<Live> findLive(byte[] tokenHash, Instant now) {
        return jdbc.sql("""
                        select s.tenant_id, t.slug, s.id, s.user_id, u.username,
                               -- issue 13: past a contractor's expiresAt the user is no longer active
                               case when u.expires_at <= :now then 'EXPIRED' else u.status end as status,
                               u.required_actions,
                               s.last_seen_at, s.expires_at,
                               s.impersonator_id, s.impersonator_username, s.device_hash, s.device_identified,
                        """ + HELD_ROLES + """
                                as roles
                        from sessions s
                        join user_states u on u.tenant_id = s.tenant_id and u.id = s.user_id
                        join tenant_states t on t.id = s.tenant_id
                        where s.token_hash = :hash and s.ended_at is null and s.expires_at > :now
                          and t.status = 'ACTIVE'
                          and (s.impersonator_session_id is null or exists (
                              select 1 from sessions o
                              where o.tenant_id = s.impersonator_tenant_id and o.id = s.impersonator_session_id
                                and o.ended_at is null and o.expires_at > :now))
                        """ + HOME_SESSION_LIVE)
                .param("hash", tokenHash).param("now", utc(now))
                .query((rs, n) -> {
                    TenantId tenant = new TenantId(rs.getObject("tenant_id", UUID.class));
                    List<String> held = roles(rs);
                    Live live = new Live(tenant, rs.getString("slug"),
                            rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("username"),
                            rs.getString("status"), Arrays.asList((String[]) rs.getArray("required_actions").getArray()),
                            rs.getObject("last_seen_at", OffsetDateTime.class).toInstant(),
                            rs.getObject("expires_at", OffsetDateTime.class).toInstant(), NO_RULES_YET, impersonator(rs),
                            rs.getBytes("device_hash"), rs.getBoolean("device_identified"));
                    return Map.entry(live, held);
                })
                .optional()
                // The rules are the tenant's settings read with the roles held: asked of the settings' one reader.
                .map(found -> found.getKey().withRules(SessionRules.of(settings.of(found.getKey().tenant()),
                        found.getValue())));
    }

    /** When the session's user last proved a factor, or empty when the session is gone. */
    public Optional<Instant> authenticatedAt(TenantId tenant, UUID session) {
        return jdbc.sql("select authenticated_at from sessions where tenant_id = :tenant and id = :id and ended_at is null")
                .param("tenant", tenant.value()).param("id", session)
                .query((rs, n) -> rs.getObject("authenticated_at", OffsetDateTime.class).toInstant()).optional();
    }

    /**
     * How the session's user proved who they are (PASSWORD, TOTP, EMAIL_CODE, RECOVERY_CODE): at
     * sign-in, and any factor proved again since; empty for an impersonation or a session gone.
     */
    public List<String> signInMethods(TenantId tenant, UUID session) {
        return jdbc.sql("select sign_in_methods from sessions where tenant_id = :tenant and id = :id and ended_at is null")
                .param("tenant", tenant.value()).param("id", session)
                .query((rs, n) -> Arrays.asList((String[]) rs.getArray("sign_in_methods").getArray())).optional()
                .orElse(List.of());
    }

    /** The user proved {@code method} again now: the window of re-authentication opens, the method is the session's. */
    void reauthenticated(TenantId tenant, UUID session, Instant now, String method) {
        jdbc.sql("""
                        update sessions set authenticated_at = :now,
                            sign_in_methods = case when cast(:method as text) = any (sign_in_methods) then sign_in_methods
                                                   else array_append(sign_in_methods, cast(:method as text)) end
                        where tenant_id = :tenant and id = :id
                        """)
                .param("now", utc(now)).param("method", method).param("tenant", tenant.value()).param("id", session)
                .update();
    }

    /** Forgets the cached state of a user's sessions, e.g. after their required actions changed. */
    void forgetUser(TenantId tenant, UUID user) {
        cache.evictUser(tenant, user);
    }

    /** Ends the oldest live sessions, or refuses, so that one more stays within the cap. */
    private void withinLimit(TenantId tenant, UUID user, SessionRules rules, Instant now, @Nullable String ip,
            @Nullable String userAgent) {
        // Parallel sign-ins of one user queue here, so that together they cannot exceed the cap.
        String username = credentials.lockForSessions(tenant, user);
        // An operator's impersonation is not the user's to count or to end (docs/security.md).
        List<UUID> live = jdbc.sql("""
                        select id from sessions
                        where tenant_id = :tenant and user_id = :user and ended_at is null and expires_at > :now
                          and last_seen_at + make_interval(secs => cast(:idle as double precision)) > :now
                          and impersonator_id is null
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
            audit.record(tenant, "SESSION_REVOKED", actors.of(tenant, user, username),
                    new AuditLog.Target("session", oldest.toString(), username), ip, userAgent,
                    Map.of("reason", "SESSION_LIMIT", "maxConcurrent", rules.maxConcurrent()));
        }
    }

    /** The user's live sessions (not ended, not expired, not idle too long), most recently used first. */
    /** A page of the user's live sessions, each with the applications signed in to through it. */
    public List<Listed> listLive(TenantId tenant, UUID user, Duration idle, Instant now, int page, int size) {
        List<Listed> listed = jdbc.sql("""
                        select s.id, s.user_agent, s.ip, s.created_at, s.last_seen_at, s.expires_at, s.impersonator_id,
                               s.impersonator_username, s.device_hash, d.id as device_id, d.label as device_label,
                               d.first_seen_at as device_first_seen_at, d.last_seen_at as device_last_seen_at
                        from sessions s
                        left join known_devices d
                          on d.tenant_id = s.tenant_id and d.user_id = s.user_id and d.device_hash = s.device_hash
                        where s.tenant_id = :tenant and s.id in (select id """ + " " + LIVE_OF_USER + """
                        )
                        order by s.last_seen_at desc, s.id limit :size offset :offset
                        """)
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now))
                .param("idle", idle.toSeconds()).param("size", size).param("offset", (long) page * size)
                .query((rs, n) -> new Listed(rs.getObject("id", UUID.class), rs.getString("user_agent"),
                        rs.getString("ip"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("last_seen_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant(), impersonator(rs), List.of(),
                        deviceSeen(rs)))
                .list();
        Map<UUID, List<String>> names = clients.namesBySession(tenant, listed.stream().map(Listed::id).toList());
        return listed.stream().map(session -> new Listed(session.id(), session.userAgent(), session.ip(),
                session.createdAt(), session.lastSeenAt(), session.expiresAt(), session.impersonatedBy(),
                names.getOrDefault(session.id(), List.of()), session.device())).toList();
    }

    private static DeviceSeen deviceSeen(java.sql.ResultSet rs) throws java.sql.SQLException {
        OffsetDateTime first = rs.getObject("device_first_seen_at", OffsetDateTime.class);
        OffsetDateTime last = rs.getObject("device_last_seen_at", OffsetDateTime.class);
        String label = rs.getString("device_label");
        return new DeviceSeen(rs.getObject("device_id", UUID.class),
                label != null ? label : DeviceLabels.of(rs.getString("user_agent")),
                first == null ? null : first.toInstant(), last == null ? null : last.toInstant(), rs.getBytes("device_hash"));
    }

    public long countLive(TenantId tenant, UUID user, Duration idle, Instant now) {
        return jdbc.sql("select count(*) " + LIVE_OF_USER)
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now))
                .param("idle", idle.toSeconds()).query(Long.class).single();
    }

    /** Whether {@code session} is a live session of {@code user}. */
    public boolean isLiveOf(TenantId tenant, UUID user, UUID session, Duration idle, Instant now) {
        return jdbc.sql("select count(*) " + LIVE_OF_USER + " and id = :id")
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now))
                .param("idle", idle.toSeconds()).param("id", session).query(Long.class).single() > 0;
    }

    /**
     * Until when the session stays live if nothing happens (issue 12): not ended, and alive by both its
     * maximum length and its user's idle timeout ({@code sessionPolicy}); empty when it is not live now.
     * The OpenID Connect provider asks this for the tokens issued from the session, which die with it,
     * idle timeout included; a refresh through an application counts as use ({@link #usedThrough}).
     */
    public Optional<Instant> liveUntil(TenantId tenant, UUID session, Instant now) {
        return jdbc.sql("""
                        select user_id, last_seen_at, expires_at from sessions
                        where tenant_id = :tenant and id = :id and ended_at is null and expires_at > :now
                        """)
                .param("tenant", tenant.value()).param("id", session).param("now", utc(now))
                .query((rs, n) -> new Opened(rs.getObject("user_id", UUID.class),
                        rs.getObject("last_seen_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant()))
                .optional()
                .flatMap(opened -> opened.liveUntil(rulesFor(tenant, opened.user(), now).idle(), now));
    }

    /** An open session's user, last use and maximum end, for {@link #liveUntil}. */
    private record Opened(UUID user, Instant lastSeenAt, Instant expiresAt) {
        Optional<Instant> liveUntil(Duration idle, Instant now) {
            Instant idleEnd = lastSeenAt.plus(idle);
            if (!idleEnd.isAfter(now)) {
                return Optional.empty();
            }
            return Optional.of(idleEnd.isBefore(expiresAt) ? idleEnd : expiresAt);
        }
    }

    /**
     * The session was used through an application signed in with it (a refresh of its tokens): it
     * does not idle out while the application is in use. Written at most every
     * {@link SessionResolver#TOUCH_INTERVAL} per session by this node; idle limits are in minutes.
     */
    public void usedThrough(TenantId tenant, UUID session, Instant now) {
        Instant last = usedThrough.getIfPresent(session);
        if (last != null && !now.isBefore(last)
                && Duration.between(last, now).compareTo(SessionResolver.TOUCH_INTERVAL) <= 0) {
            return;
        }
        touch(tenant, session, now);
        usedThrough.put(session, now);
    }

    private static final String LIVE_OF_USER = """
            from sessions
            where tenant_id = :tenant and user_id = :user and ended_at is null and expires_at > :now
              and last_seen_at + make_interval(secs => cast(:idle as double precision)) > :now
            """;

    private static List<String> roles(java.sql.ResultSet rs) throws java.sql.SQLException {
        return Arrays.asList((String[]) rs.getArray("roles").getArray());
    }

    private static @Nullable Impersonator impersonator(java.sql.ResultSet rs) throws java.sql.SQLException {
        UUID operator = rs.getObject("impersonator_id", UUID.class);
        return operator == null ? null : new Impersonator(operator, rs.getString("impersonator_username"));
    }

    /** The session was used now; a member's session keeps its home session from idling out too (issue 16). */
    void touch(TenantId tenant, UUID session, Instant now) {
        jdbc.sql("""
                        update sessions set last_seen_at = :now
                        where (tenant_id = :tenant and id = :id)
                           or (tenant_id, id) = (select home_tenant_id, home_session_id from sessions
                                                 where tenant_id = :tenant and id = :id)
                        """)
                .param("now", utc(now)).param("tenant", tenant.value()).param("id", session).update();
    }

    /** A member's session opened from the home account's ({@link #openFromHome}): its id, token (shown once) and end. */
    public record FromHome(UUID sessionId, String token, Instant expiresAt) {}

    /**
     * Issue 16: opens a session of {@code member}, a member account of {@code tenant}, from
     * {@code homeSession} of its home account, in the caller's transaction. It ends no later than the
     * home session nor than the tenant's {@code sessionPolicy.maxHours}, counts against the member's
     * cap on concurrent sessions like any sign-in, and carries the home session's proof (when and how
     * the person proved who they are: the member has no factor of its own to prove). The lookup
     * ({@link #findLive}) refuses it as soon as the home session, account or tenant is no longer live.
     *
     * @throws ApiException 401 when the home session is no longer live
     */
    @Transactional
    public FromHome openFromHome(TenantId tenant, UUID member, TenantId homeTenant, UUID homeSession,
            @Nullable String ip, @Nullable String userAgent, Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MICROS);
        record Home(Instant expiresAt, Instant authenticatedAt, List<String> methods) {}
        Home home = jdbc.sql("""
                        select expires_at, authenticated_at, sign_in_methods from sessions
                        where tenant_id = :tenant and id = :id and ended_at is null and expires_at > :now
                          and impersonator_id is null and home_session_id is null
                        """)
                .param("tenant", homeTenant.value()).param("id", homeSession).param("now", utc(now))
                .query((rs, n) -> new Home(rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("authenticated_at", OffsetDateTime.class).toInstant(),
                        Arrays.asList((String[]) rs.getArray("sign_in_methods").getArray())))
                .optional()
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "Session ended",
                        "your session at your home organisation has ended; sign in again", List.of()));
        SignInSettings rules = SignInSettings.of(settings.of(tenant));
        // The organisation's own second-factor rule holds for its members too: the home sign-in must
        // have proved a second factor (a passkey, under the phishing-resistant policy) when this
        // organisation requires one for the member's roles here.
        boolean secondFactor = home.methods().size() > 1
                && (!rules.phishingResistant() || home.methods().contains("PASSKEY"));
        if (!secondFactor && rules.mfaRequiredFor(heldRoles(tenant, member, now))) {
            throw new ApiException(HttpStatus.FORBIDDEN, "Second factor required", "this organisation requires a"
                    + " second factor for your roles there: sign in at your home organisation with your second"
                    + " factor, then switch", List.of());
        }
        Instant limit = now.plus(rules.sessionMaxHours(), ChronoUnit.HOURS);
        Instant expiresAt = home.expiresAt().isBefore(limit) ? home.expiresAt() : limit;
        String token = Tokens.newToken();
        UUID id = create(tenant, member, Tokens.hash(token), now, expiresAt, ip, userAgent, home.methods(),
                NewDevices.Device.NONE);
        jdbc.sql("""
                        update sessions set home_tenant_id = :homeTenant, home_session_id = :homeSession,
                            authenticated_at = :authenticatedAt
                        where tenant_id = :tenant and id = :id
                        """)
                .param("homeTenant", homeTenant.value()).param("homeSession", homeSession)
                .param("authenticatedAt", utc(home.authenticatedAt())).param("tenant", tenant.value()).param("id", id)
                .update();
        return new FromHome(id, token, expiresAt);
    }

    /** The home session a member's session was opened from, if it is one (issue 16). */
    public Optional<UUID> homeSessionOf(TenantId tenant, UUID session) {
        return jdbc.sql("select home_session_id from sessions where tenant_id = :tenant and id = :id"
                        + " and home_session_id is not null")
                .param("tenant", tenant.value()).param("id", session).query(UUID.class).optional();
    }

    @Transactional
    /**
     * Ends the home session a member's session was opened from, if {@code session} is one (issue 16):
     * signing out in another organisation signs the person out, not only out of that organisation.
     */
    void endHomeOf(TenantId tenant, UUID session, Instant now, String reason) {
        record Home(TenantId tenant, UUID session) {}
        jdbc.sql("""
                        select home_tenant_id, home_session_id from sessions
                        where tenant_id = :tenant and id = :id and home_session_id is not null
                        """)
                .param("tenant", tenant.value()).param("id", session)
                .query((rs, n) -> new Home(new TenantId(rs.getObject("home_tenant_id", UUID.class)),
                        rs.getObject("home_session_id", UUID.class)))
                .optional().ifPresent(home -> end(home.tenant(), home.session(), now, reason));
    }

    void end(TenantId tenant, UUID session, Instant now, String reason) {
        List<Ended> ended = jdbc.sql("""
                        update sessions set ended_at = :now, end_reason = :reason
                        where tenant_id = :tenant and id = :id and ended_at is null
                        """ + RETURNING_ENDED)
                .param("now", utc(now)).param("reason", reason).param("tenant", tenant.value()).param("id", session)
                .query(Sessions::ended).list();
        cache.evictSession(tenant, session);
        impersonationsEnded(tenant, ended, reason);
    }

    /** Whether the user ever had a session, live or ended: one that has signed in has a history. */
    public boolean anyOf(TenantId tenant, UUID user) {
        return jdbc.sql("select exists (select 1 from sessions where tenant_id = :tenant and user_id = :user)")
                .param("tenant", tenant.value()).param("user", user).query(Boolean.class).single();
    }

    /** Ends one session of {@code user} if it has not ended yet; returns whether it did. */
    @Transactional
    public boolean endOf(TenantId tenant, UUID user, UUID session, Instant now, String reason) {
        List<Ended> ended = jdbc.sql("""
                        update sessions set ended_at = :now, end_reason = :reason
                        where tenant_id = :tenant and user_id = :user and id = :id and ended_at is null
                        """ + RETURNING_ENDED)
                .param("now", utc(now)).param("reason", reason).param("tenant", tenant.value()).param("user", user)
                .param("id", session).query(Sessions::ended).list();
        cache.evictSession(tenant, session);
        impersonationsEnded(tenant, ended, reason);
        return !ended.isEmpty();
    }

    /** Ends every live session of a user, but {@code keep} if given; returns how many ended. */
    @Transactional
    public int endAll(TenantId tenant, UUID user, @Nullable UUID keep, Instant now, String reason) {
        // The kept session is evicted too: what ended the others (a password change) changed its user.
        cache.evictUser(tenant, user);
        List<Ended> ended = jdbc.sql("""
                        update sessions set ended_at = :now, end_reason = :reason
                        where tenant_id = :tenant and user_id = :user and ended_at is null
                          and (cast(:keep as uuid) is null or id <> cast(:keep as uuid))
                        """ + RETURNING_ENDED)
                .param("now", utc(now)).param("reason", reason).param("tenant", tenant.value()).param("user", user)
                .param("keep", keep).query(Sessions::ended).list();
        impersonationsEnded(tenant, ended, reason);
        return ended.size();
    }

    /**
     * Ends every live session of the tenant (issue 16: a suspended tenant), impersonations included,
     * each of those recorded as ended; returns how many ended. Reactivating the tenant brings none back.
     */
    @Transactional
    public int endAllOfTenant(TenantId tenant, Instant now, String reason) {
        List<Ended> ended = jdbc.sql("""
                        update sessions set ended_at = :now, end_reason = :reason
                        where tenant_id = :tenant and ended_at is null
                        """ + RETURNING_ENDED)
                .param("now", utc(now)).param("reason", reason).param("tenant", tenant.value())
                .query(Sessions::ended).list();
        for (Ended session : ended) {
            cache.evictSession(tenant, session.id());
        }
        impersonationsEnded(tenant, ended, reason);
        return ended.size();
    }

    /**
     * Ends the impersonations, of every tenant, that reached their absolute expiry without being
     * ended, and those whose operator session ended some other way than signing out (ended from a
     * session list, expired, the operator locked): nothing else would, since such a session is
     * simply no longer found. Returns how many ended. Safe on many nodes at once: a session ends, and is recorded, once.
     */
    @Transactional
    public int endExpiredImpersonations(Instant now) {
        record Expired(TenantId tenant, Ended session) {}
        List<Expired> expired = jdbc.sql("""
                        update sessions set ended_at = expires_at, end_reason = 'EXPIRED'
                        where impersonator_id is not null and ended_at is null and expires_at <= :now
                        returning tenant_id, id, user_id, created_at, impersonator_id, impersonator_username
                        """)
                .param("now", utc(now))
                .query((rs, n) -> new Expired(new TenantId(rs.getObject("tenant_id", UUID.class)), ended(rs, n)))
                .list();
        for (Expired session : expired) {
            impersonationsEnded(session.tenant(), List.of(session.session()), "EXPIRED");
        }
        List<Expired> orphaned = jdbc.sql("""
                        update sessions s set ended_at = :now, end_reason = 'OPERATOR_SESSION_ENDED'
                        where s.impersonator_session_id is not null and s.ended_at is null and s.expires_at > :now
                          and not exists (
                              select 1 from sessions o
                              where o.tenant_id = s.impersonator_tenant_id and o.id = s.impersonator_session_id
                                and o.ended_at is null and o.expires_at > :now)
                        returning tenant_id, id, user_id, created_at, impersonator_id, impersonator_username
                        """)
                .param("now", utc(now))
                .query((rs, n) -> new Expired(new TenantId(rs.getObject("tenant_id", UUID.class)), ended(rs, n)))
                .list();
        for (Expired session : orphaned) {
            cache.evictSession(session.tenant(), session.session().id());
            impersonationsEnded(session.tenant(), List.of(session.session()), "OPERATOR_SESSION_ENDED");
        }
        // Issue 16: members' sessions whose home session, account or tenant is no longer live are refused
        // by the lookup at once; this records them as ended, so that session lists agree.
        int unhomed = jdbc.sql("""
                        update sessions s set ended_at = :now, end_reason = 'HOME_SESSION_ENDED'
                        where s.home_session_id is not null and s.ended_at is null and s.expires_at > :now
                          and not (true
                        """ + HOME_SESSION_LIVE + ")")
                .param("now", utc(now)).update();
        return expired.size() + orphaned.size() + unhomed;
    }

    /**
     * Ends the live impersonations the operator opened from {@code operatorSession}, in every
     * tenant, each recorded as {@code IMPERSONATION_ENDED} in its tenant's trail: an operator signing
     * out leaves no session acting in their name, and signing out elsewhere ends none of this one's.
     * Those already past their expiry are left to {@link #endExpiredImpersonations}, which records
     * them as expired. Returns how many ended.
     */
    @Transactional
    public int endImpersonationsBy(TenantId operatorTenant, UUID operator, UUID operatorSession, Instant now,
            String reason) {
        record Opened(TenantId tenant, Ended session) {}
        List<Opened> ended = jdbc.sql("""
                        update sessions set ended_at = :now, end_reason = :reason
                        where impersonator_tenant_id = :operatorTenant and impersonator_id = :operator
                          and (impersonator_session_id = :session or impersonator_session_id is null)
                          and ended_at is null and expires_at > :now
                        returning tenant_id, id, user_id, created_at, impersonator_id, impersonator_username
                        """)
                .param("now", utc(now)).param("reason", reason).param("operatorTenant", operatorTenant.value())
                .param("operator", operator).param("session", operatorSession)
                .query((rs, n) -> new Opened(new TenantId(rs.getObject("tenant_id", UUID.class)), ended(rs, n)))
                .list();
        for (Opened session : ended) {
            cache.evictSession(session.tenant(), session.session().id());
            impersonationsEnded(session.tenant(), List.of(session.session()), reason);
        }
        return ended.size();
    }

    private static Ended ended(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Ended(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), impersonator(rs));
    }

    /**
     * Tells the applications' tokens that the sessions ended ({@link SessionClients#sessionsEnded}),
     * and records {@code IMPERSONATION_ENDED} in the tenant's trail for each ended session that was
     * an impersonation, in the transaction that ended it; every way of ending a session comes through
     * here. The actor and address are those of the request that ended it (the impersonated user
     * signing out, an admin revoking it, an operator's break-glass), as {@code access.RefusalAudit}
     * takes a request's address; with no request or nobody signed in (the expiry sweep, an idle
     * session found on use, a reset link redeemed), the system.
     */
    private void impersonationsEnded(TenantId tenant, List<Ended> ended, String reason) {
        if (!ended.isEmpty()) {
            clients.sessionsEnded(tenant, ended.stream().map(Ended::id).toList());
        }
        HttpServletRequest request = RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes
                attributes ? attributes.getRequest() : null;
        for (Ended session : ended) {
            Impersonator operator = session.impersonatedBy();
            if (operator == null) {
                continue;
            }
            String username = jdbc.sql("select username from user_states where tenant_id = :tenant and id = :user")
                    .param("tenant", tenant.value()).param("user", session.userId()).query(String.class).single();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("sessionId", session.id().toString());
            details.put("reason", reason);
            details.put("operator", Map.of("id", operator.id().toString(), "username", operator.username()));
            details.put("startedAt", session.createdAt().toString());
            audit.record(tenant, "IMPERSONATION_ENDED", requester(),
                    new AuditLog.Target("user", session.userId().toString(), username),
                    request == null ? null : request.getRemoteAddr(),
                    request == null ? null : request.getHeader("User-Agent"), details);
        }
    }

    /** Whoever is signed in on the current request, or the system. */
    private AuditLog.Actor requester() {
        Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
        if (signedIn != null && signedIn.getPrincipal() instanceof Caller caller) {
            return actors.actor(caller);
        }
        return AuditLog.Actor.SYSTEM;
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
