package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.shared.OpenTenants;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The sign-in view of user accounts: credentials, state and required actions. The accounts are
 * the users feature's ({@link Credentials}) and the tenants tenancy's ({@link TenantDirectory}).
 * A change of the password or the required actions is announced as the user's ({@link
 * AccessChanges}): the caches of what their credentials may do (their API keys') are dropped on
 * every node.
 */
@Component
class Accounts {

    /** {@code service}: a service account, which never signs in interactively (issue 12). */
    record Account(TenantId tenant, String tenantSlug, UUID id, String username, boolean service, String status,
            String passwordHash, List<String> requiredActions, Optional<OffsetDateTime> lockedUntil,
            @Nullable String email, @Nullable Instant expiresAt) {

        /** Whether a contractor's account has ended by {@code now} (issue 13). */
        boolean expiredBy(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    /** The failure counter and temporary lock of a user, read under a row lock. */
    record Lockout(int failedLogins, @Nullable OffsetDateTime lockedUntil) {}

    private final Credentials credentials;
    private final TenantDirectory tenants;
    /** The tenant a sign-in names, resolved as at every door open to anyone. */
    private final OpenTenants named;
    private final AccessChanges changes;

    Accounts(Credentials credentials, TenantDirectory tenants, OpenTenants named, AccessChanges changes) {
        this.credentials = credentials;
        this.tenants = tenants;
        this.named = named;
        this.changes = changes;
    }

    /**
     * The active tenant with exactly this slug (as stored: lower case), from this node's cache (issue 17:
     * every sign-in asks; a suspension reaches it by the tenant's change announcement).
     */
    Optional<TenantId> activeTenant(String tenantSlug) {
        if (!tenantSlug.equals(tenantSlug.strip().toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return named.bySlug(tenantSlug).map(OpenTenants.Active::id);
    }

    /** An account with its failure counter, read under its row lock. */
    record Locked(Account account, Lockout lockout) {}

    /**
     * The account of {@code tenant}, found by {@link #activeTenant} for {@code tenantSlug}, locked until
     * the transaction ends as {@link #lockForSignIn} locks it, in the same read (issue 17).
     */
    Optional<Locked> lockForSignIn(TenantId tenant, String tenantSlug, String usernameNormalized) {
        return credentials.lockByUsername(tenant, usernameNormalized).map(found -> locked(found, tenantSlug));
    }

    private static Locked locked(Credentials.LockedAccount found, String tenantSlug) {
        return new Locked(account(found.account(), tenantSlug),
                new Lockout(found.lockout().failedLogins(), found.lockout().lockedUntil()));
    }

    /** An account with its failure counter under its row lock, and what was read along with it. */
    record LockedWith<T>(Locked locked, T along) {}

    /**
     * {@link #lockForSignIn(TenantId, String, String)} reading {@code along} in the same statement when
     * the account can be locked at once; empty when it cannot, or there is no such account
     * ({@link Credentials#lockByUsernameAtOnce}).
     */
    <T> Optional<LockedWith<T>> lockAtOnceForSignIn(TenantId tenant, String tenantSlug, String usernameNormalized,
            Credentials.Along<T> along) {
        return credentials.lockByUsernameAtOnce(tenant, usernameNormalized, along)
                .map(found -> new LockedWith<>(locked(found.locked(), tenantSlug), found.along()));
    }

    /** Whether the organisation of this slug is suspended (issue 16). */
    boolean tenantSuspended(String tenantSlug) {
        return named.suspended(tenantSlug);
    }

    Optional<Account> byId(TenantId tenant, UUID user) {
        return credentials.byId(tenant, user).map(found -> account(found, tenants.slug(tenant)));
    }

    void changePassword(TenantId tenant, UUID user, String hash, List<String> requiredActions) {
        credentials.changePassword(tenant, user, hash, requiredActions);
        changes.subjectChanged(tenant, user);
    }

    /**
     * Locks the user's row until the transaction ends and reads the counter: sign-in attempts of
     * one user take turns, so parallel guesses cannot all be checked before the lock is written.
     */
    Lockout lockForSignIn(TenantId tenant, UUID user) {
        Credentials.Lockout lockout = credentials.lockForSignIn(tenant, user);
        return new Lockout(lockout.failedLogins(), lockout.lockedUntil());
    }

    void recordFailure(TenantId tenant, UUID user, int failedLogins, @Nullable OffsetDateTime lockedUntil) {
        credentials.recordFailure(tenant, user, failedLogins, lockedUntil);
    }

    void recordSuccess(TenantId tenant, UUID user) {
        credentials.recordSuccess(tenant, user);
    }

    void setRequiredActions(TenantId tenant, UUID user, List<String> requiredActions) {
        credentials.setRequiredActions(tenant, user, requiredActions);
        changes.subjectChanged(tenant, user);
    }

    private static Account account(Credentials.Account found, String tenantSlug) {
        return new Account(found.tenant(), tenantSlug, found.id(), found.username(), found.isService(),
                found.status(), found.passwordHash(), found.requiredActions(), Optional.ofNullable(found.lockedUntil()), found.email(),
                found.expiresAt());
    }
}
