package dev.gatehouse.server.users;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.OpenTenants;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Self-service "forgot password" (ASVS 5.0 6.4.3; NIST SP 800-63B rev 4 account recovery): an
 * active account with an e-mail address gets a one-use reset link, valid an hour unless the
 * tenant sets {@code resetLinkMinutes}; a service account never does (issue 12). Redeeming it sets the password and nothing more: signing
 * in afterwards still asks for every factor the account has. Whether anything was sent is never told to the asker; it is on the
 * audit trail of the account's tenant.
 */
@Service
class ForgotPassword {

    /**
     * A new link replaces the previous one, so repeated asking could keep a user from ever using
     * theirs, and fill their inbox: one link per account per minute.
     */
    static final Duration THROTTLE = Duration.ofMinutes(1);

    private record Account(TenantId tenant, UUID id, String username, @Nullable String email, String kind,
            String status, boolean member) {}

    private final JdbcClient jdbc;
    private final UserTokens tokens;
    private final AccountMails mails;
    private final TenantScope scope;
    private final AuditLog audit;
    private final Clock clock;
    /** The tenant the request names, resolved as at every door open to anyone. */
    private final OpenTenants tenants;

    ForgotPassword(JdbcClient jdbc, UserTokens tokens, AccountMails mails, TenantScope scope, AuditLog audit,
            Clock clock, OpenTenants tenants) {
        this.tenants = tenants;
        this.jdbc = jdbc;
        this.tokens = tokens;
        this.mails = mails;
        this.scope = scope;
        this.audit = audit;
        this.clock = clock;
    }

    /** Mails a reset link if {@code usernameOrEmail} names an active account with an address; otherwise nothing. */
    @Transactional
    public void request(String tenantSlug, String usernameOrEmail, Origin origin) {
        Optional<Account> found = find(tenantSlug, Usernames.normalize(usernameOrEmail));
        if (found.isEmpty()) {
            return;
        }
        Account account = found.get();
        Instant now = clock.instant();
        // Issue 12: a service account never has a password to reset, whatever address it may hold.
        // Issue 16: a member account signs in at its home organisation, where its password is reset.
        String refused = account.kind().equals("SERVICE") ? "SERVICE_ACCOUNT"
                : account.member() ? "MEMBER_ACCOUNT"
                : account.email() == null ? "NO_EMAIL"
                : !account.status().equals("ACTIVE") ? "NOT_ACTIVE"
                : recentlyIssued(account, now) ? "THROTTLED"
                : null;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("mailed", refused == null);
        if (refused != null) {
            details.put("reason", refused);
        } else {
            Instant expiresAt = now.plus(validity(account.tenant()));
            String link = tokens.issue(account.tenant(), account.id(), UserTokens.Purpose.PASSWORD_RESET,
                    Duration.between(now, expiresAt), now);
            mails.forgotPassword(account.tenant(), account.email(), account.username(), link, expiresAt);
            details.put("expiresAt", expiresAt.toString());
        }
        audit.record(account.tenant(), "PASSWORD_RESET_REQUESTED", new AuditLog.Actor(null, null, List.of()),
                UserEvents.target(account.id(), account.username()), origin.ip(), origin.userAgent(), details);
    }

    /**
     * The account by username, else by e-mail address, in an active tenant; row-locked so that
     * parallel requests for one account issue one link.
     */
    private Optional<Account> find(String tenantSlug, String name) {
        Optional<TenantId> tenant = tenants.bySlug(tenantSlug).map(OpenTenants.Active::id);
        if (tenant.isEmpty()) {
            return Optional.empty();
        }
        return jdbc.sql("""
                        select u.tenant_id, u.id, u.username, u.email, u.kind, u.status, u.home_tenant_id is not null as member
                        from users u
                        where u.tenant_id = :tenant
                          and (u.username_normalized = :name or u.email_normalized = :name)
                        order by (u.username_normalized = :name) desc
                        limit 1
                        for update of u
                        """)
                .param("tenant", tenant.get().value()).param("name", name)
                .query((rs, n) -> new Account(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("email"),
                        rs.getString("kind"), rs.getString("status"), rs.getBoolean("member")))
                .optional();
    }

    private boolean recentlyIssued(Account account, Instant now) {
        return jdbc.sql("""
                        select exists (select 1 from user_tokens
                                       where tenant_id = :tenant and user_id = :user and purpose = 'PASSWORD_RESET'
                                         and used_at is null and revoked_at is null and created_at > :since)
                        """)
                .param("tenant", account.tenant().value()).param("user", account.id())
                .param("since", now.minus(THROTTLE).atOffset(ZoneOffset.UTC)).query(Boolean.class).single();
    }

    /** The tenant's {@code resetLinkMinutes} (default an hour). */
    private Duration validity(TenantId tenant) {
        return scope.rules(tenant).resetValidity();
    }
}
