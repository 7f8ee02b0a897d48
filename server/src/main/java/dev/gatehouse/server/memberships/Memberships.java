package dev.gatehouse.server.memberships;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.SignInService;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.AccountClosed;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.MembershipReach;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDeleting;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.throttling.Throttle;
import dev.gatehouse.server.users.MemberAccounts;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 16, one person in several organisations (docs/organisations.md): the person's home account
 * (tenant A) and its memberships, each a member account of another tenant (B) held by
 * {@link MemberAccounts}.
 *
 * <ul>
 *   <li>An invitation of B is accepted by a signed-in session of the home account whose e-mail
 *       address is the invitation's, in the transaction that spends the one-use link;
 *       {@code MEMBERSHIP_ACCEPTED} goes to both trails (A's names B only as the person's own act).</li>
 *   <li>Switching opens a session of the member account from the home session, which it never
 *       outlives ({@link Sessions#openFromHome}); B's trail records the sign-in.</li>
 *   <li>Leaving ends the member's sessions, unlinks and disables the row; {@code MEMBERSHIP_ENDED} in
 *       both trails. A home account deleted ends its memberships, recorded in each B's trail without
 *       naming A.</li>
 * </ul>
 *
 * B's admins never learn A's slug, ids or data: the member row holds B's roles and B's name for the
 * person, and the only trace of the link they see is "signs in at another organisation".
 */
@Service
public class Memberships implements MembershipReach {

    /** An organisation the person belongs to, as they see it. */
    public record View(String tenant, String name, String status, @Nullable Instant since, boolean tenantActive) {}

    /** The home organisation and every membership. */
    public record Listing(View home, List<View> items) {}

    /** A session opened in a membership's organisation: its token (shown once), and for whom. */
    public record Switched(String token, String tenant, String name, String userId, Instant expiresAt) {}

    private final MemberAccounts members;
    private final UserStore users;
    private final Sessions sessions;
    private final TenantDirectory tenants;
    private final Access access;
    private final AccessChanges changes;
    private final AuditLog audit;
    private final Throttle throttle;
    private final TransactionTemplate transaction;
    private final Clock clock;

    Memberships(MemberAccounts members, UserStore users, Sessions sessions, TenantDirectory tenants, Access access,
            AccessChanges changes, AuditLog audit, Throttle throttle, TransactionTemplate transaction, Clock clock) {
        this.members = members;
        this.users = users;
        this.sessions = sessions;
        this.tenants = tenants;
        this.access = access;
        this.changes = changes;
        this.audit = audit;
        this.throttle = throttle;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** The caller's home account and every membership of it, whichever of them the caller is signed in as. */
    @Transactional(readOnly = true)
    public Listing list(Caller caller) {
        MemberAccounts.Home home = homeOf(caller);
        View own = new View(tenants.slug(home.tenant()), tenants.name(home.tenant()), "ACTIVE", null,
                tenants.isActive(home.tenant()));
        List<View> items = members.of(home.tenant(), home.user()).stream().map(this::view).toList();
        return new Listing(own, items);
    }

    /**
     * Accepts an invitation of another organisation with the caller's own account (rate-limited as
     * a link's redemption: by address, account and the invitation's tenant).
     *
     * @throws ApiException 400 naming {@code token} when it is missing, unusable, or not for this
     *     account (another e-mail address, the account's own organisation, already a member there),
     *     the link then still usable by its owner; 403 from an impersonation or without a session;
     *     429 over a rate limit
     */
    public View accept(Caller caller, @Nullable String token, Origin origin) {
        caller.refuseIfImpersonated("accept an invitation for the person");
        caller.requireSession("accept an invitation");
        if (token == null || token.isBlank()) {
            throw ApiException.badRequest("token", "is required: the token of the invitation link");
        }
        MemberAccounts.Home home = homeOf(caller);
        var found = members.invitation(token, clock.instant());
        Throttle.Permit permit = throttle.enter(new Throttle.Attempt(Throttle.Door.TOKEN_REDEMPTION, origin.ip(),
                found.<Throttle.Tenant>map(i -> new Throttle.Tenant.Id(i.tenant())).orElse(null),
                home.user().toString(), origin.userAgent()));
        View accepted = permit.during(() -> transaction.execute(status -> link(home, token, origin)));
        permit.succeeded();
        return accepted;
    }

    private View link(MemberAccounts.Home home, String token, Origin origin) {
        Instant now = clock.instant();
        MemberAccounts.Invitation invitation = members.invitation(token, now).orElseThrow(Memberships::invalid);
        if (invitation.tenant().equals(home.tenant())) {
            throw ApiException.badRequest("token", "is an invitation to your own organisation: open the link signed"
                    + " out to set up that account");
        }
        if (!members.link(invitation, home.tenant(), home.user(), now)) {
            throw invalid();
        }
        changes.subjectChanged(invitation.tenant(), invitation.user());
        String memberName = users.username(invitation.tenant(), invitation.user()).orElseThrow();
        audit.record(invitation.tenant(), "MEMBERSHIP_ACCEPTED", member(invitation.tenant(), invitation.user()),
                new AuditLog.Target("user", invitation.user().toString(), memberName), origin.ip(), origin.userAgent(),
                Map.of("via", "invitation", "signsIn", "at another organisation"));
        audit.record(home.tenant(), "MEMBERSHIP_ACCEPTED", member(home.tenant(), home.user()),
                homeTarget(home), origin.ip(), origin.userAgent(), organisation(invitation.tenant()));
        return new View(tenants.slug(invitation.tenant()), tenants.name(invitation.tenant()), "ACTIVE", now, true);
    }

    /**
     * Opens a session in the membership's organisation, from the caller's home session (or, when the
     * caller is in another membership, from the home session that one was opened from).
     *
     * @throws ApiException 404 for a tenant the person is no member of (unknown ones alike); 409 for
     *     their home organisation; 403 when the organisation is suspended (its sign-in message), when the
     *     membership is locked or disabled there, from an impersonation or without a session
     */
    @Transactional
    public Switched open(Caller caller, TenantPaths.TenantRef tenant, Origin origin) {
        caller.refuseIfImpersonated("switch organisations");
        UUID session = caller.requireSession("switch organisations");
        MemberAccounts.Home home = homeOf(caller);
        MemberAccounts.Membership membership = membership(home, tenant);
        if (!tenants.isActive(membership.tenant())) {
            throw SignInService.suspended();
        }
        if (!membership.status().equals("ACTIVE")) {
            throw new ApiException(HttpStatus.FORBIDDEN, "Membership not active", "your account at "
                    + tenants.name(membership.tenant()) + " is " + membership.status().toLowerCase(Locale.ROOT)
                    + "; ask that organisation's administrators", List.of());
        }
        UUID homeSession = caller.tenant().equals(home.tenant()) ? session
                : sessions.homeSessionOf(caller.tenant(), session).orElseThrow();
        Sessions.FromHome opened = sessions.openFromHome(membership.tenant(), membership.member(), home.tenant(),
                homeSession, origin.ip(), origin.userAgent(), clock.instant());
        audit.record(membership.tenant(), "LOGIN_SUCCEEDED", member(membership.tenant(), membership.member()),
                new AuditLog.Target("user", membership.member().toString(), membership.username()), origin.ip(),
                origin.userAgent(), Map.of("method", "MEMBERSHIP", "sessionId", opened.sessionId().toString()));
        return new Switched(opened.token(), tenants.slug(membership.tenant()), tenants.name(membership.tenant()),
                membership.member().toString(), opened.expiresAt());
    }

    /**
     * Leaves the organisation: the member's sessions end, its account there is unlinked and disabled.
     *
     * @throws ApiException 404 for a tenant the person is no member of; 403 from an impersonation
     */
    @Transactional
    public void leave(Caller caller, TenantPaths.TenantRef tenant, Origin origin) {
        caller.refuseIfImpersonated("leave an organisation for the person");
        MemberAccounts.Home home = homeOf(caller);
        MemberAccounts.Membership membership = membership(home, tenant);
        Instant now = clock.instant();
        AuditLog.Actor actor = member(membership.tenant(), membership.member());
        int ended = end(membership.tenant(), membership.member(), now);
        audit.record(membership.tenant(), "MEMBERSHIP_ENDED", actor, new AuditLog.Target("user",
                membership.member().toString(), membership.username()), origin.ip(), origin.userAgent(),
                Map.of("by", "member", "sessionsEnded", ended));
        Map<String, Object> details = organisation(membership.tenant());
        details.put("by", "member");
        audit.record(home.tenant(), "MEMBERSHIP_ENDED", member(home.tenant(), home.user()), homeTarget(home),
                origin.ip(), origin.userAgent(), details);
    }

    /**
     * A home account deleted ends its memberships, in the delete's transaction: each organisation's
     * trail says so, naming neither the home organisation nor who deleted the account there.
     */
    @EventListener
    void on(AccountClosed closed) {
        if (!closed.how().equals("DELETED")) {
            return;
        }
        Instant now = clock.instant();
        for (MemberAccounts.Membership membership : members.of(closed.tenant(), closed.user())) {
            int ended = end(membership.tenant(), membership.member(), now);
            audit.record(membership.tenant(), "MEMBERSHIP_ENDED", AuditLog.Actor.SYSTEM, new AuditLog.Target("user",
                    membership.member().toString(), membership.username()), null, null,
                    Map.of("by", "home organisation", "reason", "the account it signs in with was deleted",
                            "sessionsEnded", ended));
        }
    }

    /**
     * A tenant deleted (its rows about to go, in the deletion's transaction): each other organisation
     * whose member signed in with an account of it ends that membership in its own trail (the member
     * row stays, disabled and unlinked, with its history), and each person of another organisation who
     * was a member of it finds that recorded in their home trail.
     */
    @EventListener
    void on(TenantDeleting deleting) {
        Instant now = clock.instant();
        for (MemberAccounts.Link link : members.homedIn(deleting.tenant())) {
            int ended = end(link.tenant(), link.member(), now);
            audit.record(link.tenant(), "MEMBERSHIP_ENDED", AuditLog.Actor.SYSTEM, new AuditLog.Target("user",
                    link.member().toString(), link.username()), null, null,
                    Map.of("by", "home organisation", "reason", "the organisation it signs in at was deleted",
                            "sessionsEnded", ended));
        }
        for (MemberAccounts.Link link : members.membersOf(deleting.tenant())) {
            Map<String, Object> details = organisation(deleting.tenant());
            details.put("by", "organisation");
            details.put("reason", "the organisation was deleted");
            audit.record(link.home().tenant(), "MEMBERSHIP_ENDED", AuditLog.Actor.SYSTEM, homeTarget(link.home()),
                    null, null, details);
        }
    }

    private int end(TenantId tenant, UUID member, Instant now) {
        int ended = sessions.endAll(tenant, member, null, now, "MEMBERSHIP_ENDED");
        members.unlink(tenant, member, now);
        changes.subjectChanged(tenant, member);
        return ended;
    }

    /** The person's home account: the caller's own, or the one the caller's member account is linked to. */
    private MemberAccounts.Home homeOf(Caller caller) {
        return members.homeOf(caller.tenant(), caller.userId())
                .orElseGet(() -> new MemberAccounts.Home(caller.tenant(), caller.userId()));
    }

    /** The home organisation, or one with a membership of the person's home account: a path may name it. */
    @Override
    public boolean holdsAccountIn(Caller caller, TenantId tenant) {
        MemberAccounts.Home home = homeOf(caller);
        return home.tenant().equals(tenant) || members.of(home.tenant(), home.user()).stream()
                .anyMatch(m -> m.tenant().equals(tenant));
    }

    /** The person's membership in the tenant the path names (shared.TenantPaths#membershipOf let the path in). */
    private MemberAccounts.Membership membership(MemberAccounts.Home home, TenantPaths.TenantRef tenant) {
        if (tenant.id().equals(home.tenant())) {
            throw ApiException.conflict(tenant.slug() + " is your home organisation: use your session there");
        }
        return members.of(home.tenant(), home.user()).stream().filter(m -> m.tenant().equals(tenant.id()))
                .findFirst().orElseThrow(() -> ApiException.notFound("membership in " + tenant.slug()));
    }

    private View view(MemberAccounts.Membership membership) {
        return new View(tenants.slug(membership.tenant()), tenants.name(membership.tenant()), membership.status(),
                membership.since(), tenants.isActive(membership.tenant()));
    }

    /** The account as the actor of its own act, in its own tenant's trail. */
    private AuditLog.Actor member(TenantId tenant, UUID user) {
        return new AuditLog.Actor(user, users.username(tenant, user).orElseThrow(), access.rolesHeld(tenant, user));
    }

    private AuditLog.Target homeTarget(MemberAccounts.Home home) {
        return new AuditLog.Target("user", home.user().toString(), users.username(home.tenant(), home.user()).orElseThrow());
    }

    /** The other organisation, named in the person's own trail only. */
    private Map<String, Object> organisation(TenantId tenant) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("organisation", tenants.slug(tenant));
        details.put("organisationName", tenants.name(tenant));
        return details;
    }

    private static ApiException invalid() {
        return ApiException.badRequest("token", "is not valid for this account: it may have expired, been used or"
                + " been replaced, be addressed to another e-mail address than this account's, or you are a member"
                + " there already");
    }
}
