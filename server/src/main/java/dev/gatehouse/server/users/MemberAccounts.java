package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Issue 16, one person in several organisations (docs/organisations.md): a member account is a row
 * of tenant B's users linked to the person's home account in tenant A ({@code home_tenant_id},
 * {@code home_user_id}). It holds B's roles like any user of B and has no password, second factor,
 * passkey or e-mail address of its own to manage: those are the home account's, and every endpoint
 * that manages them refuses a member ({@link #refuseCredentials}). This is the users table's side
 * of memberships; the {@code memberships} package builds the API on it.
 */
@Component
public class MemberAccounts {

    /** A membership as seen from home: the tenant it is in, the member row there, its status and since when. */
    public record Membership(TenantId tenant, UUID member, String username, String status, Instant since) {}

    /** The home account a member row is linked to. */
    public record Home(TenantId tenant, UUID user) {}

    /** A member row and the home account it is linked to. */
    public record Link(TenantId tenant, UUID member, String username, Home home) {}

    /** An unused invitation link, its tenant and the invited row. */
    public record Invitation(TenantId tenant, UUID token, UUID user) {}

    private final JdbcClient jdbc;
    private final UserTokens tokens;

    MemberAccounts(JdbcClient jdbc, UserTokens tokens) {
        this.jdbc = jdbc;
        this.tokens = tokens;
    }

    /**
     * Refuses {@code what} (a password reset, a second-factor reset, an e-mail change…) for a member
     * account with 409 saying why, without naming the other organisation.
     */
    public static void refuseCredentials(UserAccount user, String what) {
        if (user.member()) {
            throw ApiException.conflict("user " + user.username() + " signs in at another organisation: their"
                    + " password, second factor, passkeys and e-mail address are managed there, so " + what
                    + " does not apply here. Lock, disable or remove them here to end their access to this organisation");
        }
    }

    /** Whether the user is a member account (signs in at another organisation). */
    public boolean isMember(TenantId tenant, UUID user) {
        return jdbc.sql("select exists (select 1 from users where tenant_id = :tenant and id = :user"
                        + " and home_tenant_id is not null)")
                .param("tenant", tenant.value()).param("user", user).query(Boolean.class).single();
    }

    /** The home account of a member row; empty for any other account. */
    public Optional<Home> homeOf(TenantId tenant, UUID user) {
        return jdbc.sql("""
                        select home_tenant_id, home_user_id from users
                        where tenant_id = :tenant and id = :user and home_tenant_id is not null
                        """)
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> new Home(new TenantId(rs.getObject("home_tenant_id", UUID.class)),
                        rs.getObject("home_user_id", UUID.class)))
                .optional();
    }

    /** Every membership of the home account, oldest first. */
    public List<Membership> of(TenantId homeTenant, UUID homeUser) {
        return jdbc.sql("""
                        select tenant_id, id, username, status, created_at from users
                        where home_tenant_id = :home and home_user_id = :user
                        order by created_at, tenant_id
                        """)
                .param("home", homeTenant.value()).param("user", homeUser)
                .query((rs, n) -> new Membership(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("status"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .list();
    }

    /** Every member row of another tenant whose home account is in {@code homeTenant}. */
    public List<Link> homedIn(TenantId homeTenant) {
        return links("home_tenant_id = :tenant and tenant_id <> :tenant", homeTenant);
    }

    /** Every member row of {@code tenant} itself, each linked to a home account elsewhere. */
    public List<Link> membersOf(TenantId tenant) {
        return links("tenant_id = :tenant and home_tenant_id is not null", tenant);
    }

    private List<Link> links(String where, TenantId tenant) {
        return jdbc.sql("select tenant_id, id, username, home_tenant_id, home_user_id from users where " + where
                        + " order by tenant_id, id")
                .param("tenant", tenant.value())
                .query((rs, n) -> new Link(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        rs.getObject("id", UUID.class), rs.getString("username"),
                        new Home(new TenantId(rs.getObject("home_tenant_id", UUID.class)),
                                rs.getObject("home_user_id", UUID.class))))
                .list();
    }

    /** The usable invitation link with this value, if it is one (a reset link is not). */
    public Optional<Invitation> invitation(String token, Instant now) {
        return tokens.findUsable(token, now).filter(p -> p.purpose() == UserTokens.Purpose.INVITATION)
                .map(p -> new Invitation(p.tenant(), p.id(), p.user()));
    }

    /**
     * Spends the invitation and links its invited row to the home account, in the caller's transaction:
     * only while the row is still invited and unlinked, only when the home account is an active person's
     * own account (not itself a membership) whose e-mail address is the invitation's, and only once
     * (the token is claimed by one statement). The row becomes an active member: no password, no
     * required action, nothing to verify.
     *
     * @return whether it was linked; false leaves the transaction to be rolled back by the caller
     */
    public boolean link(Invitation invitation, TenantId homeTenant, UUID homeUser, Instant now) {
        if (!tokens.claim(invitation.tenant(), invitation.token(), now)) {
            return false;
        }
        return jdbc.sql("""
                        update users b set home_tenant_id = :homeTenant, home_user_id = :homeUser, status = 'ACTIVE',
                            password_hash = null, required_actions = '{}', updated_at = :now
                        from users a
                        where b.tenant_id = :tenant and b.id = :user and b.status = 'INVITED' and b.kind = 'HUMAN'
                          and b.home_tenant_id is null and b.email_normalized is not null
                          and a.tenant_id = :homeTenant and a.id = :homeUser and a.tenant_id <> b.tenant_id
                          and a.status = 'ACTIVE' and a.kind = 'HUMAN' and a.home_tenant_id is null
                          and a.email_normalized = b.email_normalized
                          and not exists (select 1 from users m where m.tenant_id = b.tenant_id
                                          and m.home_tenant_id = :homeTenant and m.home_user_id = :homeUser)
                        """)
                .param("homeTenant", homeTenant.value()).param("homeUser", homeUser)
                .param("now", now.atOffset(ZoneOffset.UTC)).param("tenant", invitation.tenant().value())
                .param("user", invitation.user()).update() == 1;
    }

    /**
     * Ends a membership: the row in its tenant is unlinked from home and disabled, keeping its history
     * and B's roles (an admin of B decides about those); a new invitation to it may be linked again.
     *
     * @return whether it was a membership
     */
    public boolean unlink(TenantId tenant, UUID member, Instant now) {
        return jdbc.sql("""
                        update users set home_tenant_id = null, home_user_id = null, status = 'DISABLED',
                            updated_at = :now
                        where tenant_id = :tenant and id = :member and home_tenant_id is not null
                        """)
                .param("now", now.atOffset(ZoneOffset.UTC)).param("tenant", tenant.value()).param("member", member)
                .update() == 1;
    }
}
