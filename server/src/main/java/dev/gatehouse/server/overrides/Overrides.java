package dev.gatehouse.server.overrides;

import dev.gatehouse.engine.packs.RolePacks;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.ImpersonatedSessions;
import dev.gatehouse.server.authentication.Reauthentication;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Impersonator;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Seed 002 §3.2, "override organisation-level decisions": a platform operator holding
 * {@code platform.override} takes the tenant's admin role for a window of at most
 * {@link ImpersonatedSessions#MAX_LENGTH}, with a reason and a fresh proof of their own factor,
 * as break-glass asks. Platform operators are outside tenants (docs/access-model.md), so the role
 * is held by an account of the tenant made for this one override ({@code override-<id>}), through an
 * assignment that expires with the window ({@code BREAK_GLASS}: elevated, never lendable) and a
 * session opened from the operator's own, which names the operator in every event it writes.
 *
 * <p>{@code OVERRIDE_STARTED} and {@code OVERRIDE_ENDED} go to the tenant's trail and the platform's,
 * in the transaction of the change; the tenant's {@code breakGlass} alert rule tells its admins as it
 * starts. A tenant admin ({@code users.edit}) or an operator may end it; otherwise it lapses by itself
 * ({@link OverrideExpiry}). An ended override's account is disabled and holds nothing.
 *
 * <p>The tenant comes resolved from the path ({@code PathTenant.For.OPERATOR}): any tenant for an operator,
 * their own for a tenant's user.
 */
@Service
public class Overrides {

    /** Long enough for a ticket number and a sentence; an event, not a document. */
    static final int MAX_REASON = 500;
    static final int MAX_MINUTES = (int) ImpersonatedSessions.MAX_LENGTH.toMinutes();
    static final String PERMISSION = "platform.override";
    /** What a tenant's admin needs to see and end overrides in their tenant. */
    static final String TENANT_READ = "audit.read";
    static final String TENANT_END = "users.edit";

    /** What the operator gets: the session's token (shown once) and the override. */
    public record Started(String token, View override) {}

    /** An override as the API shows it. */
    public record View(String id, String tenant, Map<String, String> operator, String reason, String role,
            Map<String, String> account, String sessionId, Instant startsAt, Instant expiresAt,
            @Nullable Instant endedAt, @Nullable String endedBy, String state) {}

    private final TenantDirectory tenants;
    private final Access access;
    private final AccessChanges changes;
    private final Actors actors;
    private final Reauthentication reauthentication;
    private final UserStore users;
    private final Assignments assignments;
    private final ImpersonatedSessions impersonations;
    private final Sessions sessions;
    private final OverrideStore store;
    private final AuditLog audit;
    private final Clock clock;

    Overrides(TenantDirectory tenants, Access access, AccessChanges changes, Actors actors,
            Reauthentication reauthentication, UserStore users, Assignments assignments,
            ImpersonatedSessions impersonations, Sessions sessions, OverrideStore store, AuditLog audit, Clock clock) {
        this.tenants = tenants;
        this.access = access;
        this.changes = changes;
        this.actors = actors;
        this.reauthentication = reauthentication;
        this.users = users;
        this.assignments = assignments;
        this.impersonations = impersonations;
        this.sessions = sessions;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @param target the tenant the path names, resolved at the edge ({@code PathTenant.For.OPERATOR})
     * @throws ApiException 404 for anyone but an operator; 403 without
     *     {@code platform.override}, from an impersonated session, without a recent proof of the operator's
     *     factor, or on the platform tenant; 400 naming {@code reason} or {@code minutes}; 409 for a tenant
     *     that is not active
     */
    @Transactional
    public Started start(Caller caller, TenantPaths.TenantRef target, OverrideRequest body, Origin origin) {
        caller.refuseIfImpersonated("start an override");
        if (!caller.isPlatformOperator()) {
            throw ApiException.notFound("tenant " + target.slug());
        }
        access.require(caller, PERMISSION, null);
        OverrideRequest.Checked request = body.check(MAX_REASON, MAX_MINUTES);
        reauthentication.require(caller);
        if (target.slug().equals(Caller.PLATFORM)) {
            throw ApiException.forbidden("an override reaches a tenant's admin role; the platform tenant has none to take");
        }
        if (!tenants.isActive(target.id())) {
            throw ApiException.conflict("tenant " + target.slug() + " is not active; an override acts in active tenants");
        }
        String role = RolePacks.builtIn(target.pack()).adminRole();
        TenantId id = target.id();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expiresAt = now.plus(Duration.ofMinutes(request.minutes()));
        UUID overrideId = UUID.randomUUID();
        String accountName = Override.accountName(overrideId);
        UUID account = users.insert(id, new UserStore.NewUser(accountName, "Platform operator",
                caller.username() + " (override)", null, null, "HUMAN", "ACTIVE", null, List.of()));
        UUID assignment = assignments.insert(id, account, role, null, now, expiresAt, "BREAK_GLASS", null);
        changes.subjectChanged(id, account);
        ImpersonatedSessions.Opened session = impersonations.open(id, account, caller.tenant(),
                new Impersonator(caller.userId(), caller.username()), caller.requireSession("start an override"),
                origin.ip(), origin.userAgent());
        Override override = new Override(id, overrideId, caller.tenant(), caller.userId(), caller.username(),
                request.reason(), role, account, assignment, session.sessionId(), now, expiresAt, null, null);
        store.insert(override);
        Map<String, Object> details = details(override);
        details.put("reason", request.reason());
        AuditLog.Actor actor = actors.actor(caller);
        audit.record(id, "OVERRIDE_STARTED", actor, new AuditLog.Target("user", account.toString(), accountName),
                origin.ip(), origin.userAgent(), details);
        audit.record(caller.tenant(), "OVERRIDE_STARTED", actor, new AuditLog.Target("tenant", id.value().toString(),
                target.slug()), origin.ip(), origin.userAgent(), details);
        return new Started(session.token(), view(override, target.slug(), accountName, now));
    }

    /**
     * The tenant's latest 100 overrides: for an operator holding {@code platform.override}, or the
     * tenant's own users holding {@code audit.read}.
     *
     * @throws ApiException 404 for another tenant's path, 403 without the permission
     */
    @Transactional(readOnly = true)
    public List<View> list(Caller caller, TenantPaths.TenantRef target) {
        requireReach(caller, TENANT_READ);
        Instant now = clock.instant();
        return store.recent(target.id(), 100).stream()
                .map(override -> view(override, target.slug(), Override.accountName(override.id()), now)).toList();
    }

    /**
     * Ends an active override now: by the operator's side ({@code platform.override}) or the tenant's
     * ({@code users.edit}).
     *
     * @throws ApiException 404 for another tenant's path or an unknown override, 403 without the
     *     permission, 409 when it has ended already
     */
    @Transactional
    public View end(Caller caller, TenantPaths.TenantRef target, String overrideId, Origin origin) {
        requireReach(caller, TENANT_END);
        UUID id = Ids.inPath(overrideId, "override");
        Override override = store.findForUpdate(target.id(), id)
                .orElseThrow(() -> ApiException.notFound("override " + overrideId));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (!override.state(now).equals("ACTIVE")) {
            throw ApiException.conflict("override " + overrideId + " has ended already ("
                    + override.state(now).toLowerCase(java.util.Locale.ROOT) + ")");
        }
        Override ended = finish(override, now, caller.username(), actors.actor(caller), origin);
        return view(ended, target.slug(), Override.accountName(id), now);
    }

    /**
     * Ends an override whose window closed: the assignment has expired by itself, the session and
     * account go now, and both trails say so.
     */
    @Transactional
    public int endLapsed() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<Override> lapsed = store.lapsed(now);
        for (Override override : lapsed) {
            finish(override, override.expiresAt(), "expiry", AuditLog.Actor.SYSTEM, new Origin(null, null));
        }
        return lapsed.size();
    }

    private Override finish(Override override, Instant at, String by, AuditLog.Actor actor, Origin origin) {
        TenantId tenant = override.tenant();
        Instant now = clock.instant();
        store.end(tenant, override.id(), at, by);
        assignments.delete(tenant, override.assignment());
        sessions.endOf(tenant, override.account(), override.session(), now, "OVERRIDE_ENDED");
        users.setStatus(tenant, override.account(), "DISABLED", now);
        changes.subjectChanged(tenant, override.account());
        Map<String, Object> details = details(override);
        details.put("endedBy", by);
        String name = Override.accountName(override.id());
        audit.record(tenant, "OVERRIDE_ENDED", actor, new AuditLog.Target("user", override.account().toString(), name),
                origin.ip(), origin.userAgent(), details);
        audit.record(override.operatorTenant(), "OVERRIDE_ENDED", actor, new AuditLog.Target("tenant",
                tenant.value().toString(), tenants.slug(tenant)), origin.ip(), origin.userAgent(), details);
        return new Override(tenant, override.id(), override.operatorTenant(), override.operatorId(),
                override.operatorUsername(), override.reason(), override.role(), override.account(),
                override.assignment(), override.session(), override.startsAt(), override.expiresAt(), at, by);
    }

    /** An operator holding {@code platform.override}, or a user of the tenant itself holding {@code permission}. */
    private void requireReach(Caller caller, String permission) {
        access.require(caller, caller.isPlatformOperator() ? PERMISSION : permission, null);
    }

    private static Map<String, Object> details(Override override) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("overrideId", override.id().toString());
        details.put("operator", override.operatorUsername());
        details.put("role", override.role());
        details.put("account", Override.accountName(override.id()));
        details.put("sessionId", override.session().toString());
        details.put("startsAt", override.startsAt().toString());
        details.put("expiresAt", override.expiresAt().toString());
        return details;
    }

    private static View view(Override override, String slug, String accountName, Instant now) {
        return new View(override.id().toString(), slug,
                Map.of("id", override.operatorId().toString(), "username", override.operatorUsername()),
                override.reason(), override.role(),
                Map.of("id", override.account().toString(), "username", accountName),
                override.session().toString(), override.startsAt(), override.expiresAt(), override.endedAt(),
                override.endedBy(), override.state(now));
    }
}
