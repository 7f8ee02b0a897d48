package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;

/**
 * What sign-in and the password rules read and write of a user account: its credentials, lockout
 * and required actions. The {@code users} table is the users feature's, which implements this;
 * authentication holds only the interface, since users depends on authentication and not the
 * other way round (docs/style.md rule 16, {@code TableOwnershipTest}).
 */
public interface Credentials {

    /**
     * An account as sign-in sees it. {@code kind} is {@code HUMAN} or {@code SERVICE}: a service
     * account never signs in interactively (issue 12), whatever its row holds. {@code expiresAt}:
     * when a contractor's account ends (issue 13); from then on it is not active, whatever its status.
     */
    record Account(TenantId tenant, UUID id, String username, String kind, String status,
            @Nullable String passwordHash, List<String> requiredActions, @Nullable OffsetDateTime lockedUntil,
            @Nullable String email, @Nullable Instant expiresAt) {

        public boolean isService() {
            return kind.equals("SERVICE");
        }

        /** Whether the account has ended by {@code now}. */
        public boolean expiredBy(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    /** What the password rules compare a new password with. */
    record Facts(String username, @Nullable String email, @Nullable String passwordHash, @Nullable String firstName,
            @Nullable String lastName) {}

    /** The failure counter and temporary lock of a user, read under a row lock. */
    record Lockout(int failedLogins, @Nullable OffsetDateTime lockedUntil) {}

    /** An account and its failure counter, read under its row lock. */
    record LockedAccount(Account account, Lockout lockout) {}

    /**
     * The account of this username with its failure counter, its row locked until the transaction
     * ends: a password sign-in's one read of it (issue 17: the look-up and the lock were two statements).
     */
    Optional<LockedAccount> lockByUsername(TenantId tenant, String usernameNormalized);

    /**
     * Columns another feature reads in the statement that locks an account (issue 17: one round trip):
     * SQL expressions over the account's row {@code u} ({@code u.tenant_id}, {@code u.id}) naming their
     * own parameters, and how to read them from the row. The reading feature keeps their SQL and reads
     * only its own tables or published views there.
     */
    record Along<T>(String columns, Map<String, ? extends @Nullable Object> params, RowMapper<T> read) {}

    /** An account and its failure counter under its row lock, with what was read along with it. */
    record LockedWith<T>(LockedAccount locked, T along) {}

    /**
     * {@link #lockByUsername} reading {@code along} in the same statement, when the row can be locked at
     * once; empty when it cannot, or there is no such account (the caller then locks as {@link
     * #lockByUsername} does and reads on its own). Never waiting for the lock keeps {@code along} as fresh
     * as the lock: a statement that waited for a row lock reads the other tables as they were when it
     * started, before the holder of the lock committed what it wrote under it (a device made known).
     */
    <T> Optional<LockedWith<T>> lockByUsernameAtOnce(TenantId tenant, String usernameNormalized, Along<T> along);

    Optional<Account> byId(TenantId tenant, UUID user);

    Optional<Facts> facts(TenantId tenant, UUID user);

    void changePassword(TenantId tenant, UUID user, String hash, List<String> requiredActions);

    /** Marks the password as set now: the start of its age. */
    void passwordChanged(TenantId tenant, UUID user, Instant now);

    /** When the user's password was set, if they have one. */
    Optional<Instant> passwordChangedAt(TenantId tenant, UUID user);

    /**
     * Locks the user's row until the transaction ends and reads the counter: sign-in attempts of
     * one user take turns, so parallel guesses cannot all be checked before the lock is written.
     */
    Lockout lockForSignIn(TenantId tenant, UUID user);

    /**
     * Locks the user's row until the transaction ends and answers their username: the sessions one
     * user opens in parallel are counted against the tenant's cap one at a time ({@code Sessions}).
     */
    String lockForSessions(TenantId tenant, UUID user);

    void recordFailure(TenantId tenant, UUID user, int failedLogins, @Nullable OffsetDateTime lockedUntil);

    /** Clears the failure counter and lock, writing only when there is something to clear. */
    void recordSuccess(TenantId tenant, UUID user);

    /**
     * A sign-in completed: the user's {@code lastSignInAt}, which the inactivity rule reads, with the
     * failure counter and lock cleared as by {@link #recordSuccess}, in the same write. It is a part of
     * the session's insert ({@code Sessions.signedIn}; issue 17: one round trip opens the session and
     * writes the account), a data-modifying CTE named {@code signed_in} that reads that statement's
     * {@code :tenant, :user, :now}; the users feature keeps its SQL, and PostgreSQL runs such a part to
     * completion.
     */
    String signedInPart();

    void setRequiredActions(TenantId tenant, UUID user, List<String> requiredActions);

    /** Adds {@code action} to the user's required actions unless it is there already. */
    void requireAction(TenantId tenant, UUID user, String action);
}
