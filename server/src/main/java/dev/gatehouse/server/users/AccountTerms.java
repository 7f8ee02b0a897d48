package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The terms of an account beyond its identity (issue 13): when a contractor's account ends and who
 * the user reports to. Read from a request at the field ({@code expiresAt}, {@code managerId}) and
 * checked the same way at creation and in a PATCH.
 */
final class AccountTerms {

    private AccountTerms() {}

    /** An ISO-8601 instant ({@code 2027-03-31T17:00:00Z}), or null when the text is null. */
    static @Nullable Instant instant(AccountFields fields, String field, @Nullable String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            fields.reject(field, "must be an ISO-8601 instant such as 2027-03-31T17:00:00Z");
            return null;
        }
    }

    /** A user id, or null when the text is null. */
    static @Nullable UUID id(AccountFields fields, String field, @Nullable String text) {
        if (text == null) {
            return null;
        }
        UUID id = Ids.parse(text.strip()).orElse(null);
        if (id == null) {
            fields.reject(field, "must be the id of a user of this tenant");
        }
        return id;
    }

    /**
     * Checks terms that changed from {@code before} (null: a new account): an expiry must lie ahead
     * (an account that should end now is disabled, which is audited as such), and the manager must
     * be another user of this tenant whose own chain does not lead back to {@code user}.
     */
    static void check(Managers managers, TenantId tenant, @Nullable UUID user, @Nullable Instant expiresAt,
            @Nullable UUID managerId, UserAccount.@Nullable Editable before, Instant now, AccountFields fields) {
        if (expiresAt != null && (before == null || !expiresAt.equals(before.expiresAt())) && !expiresAt.isAfter(now)) {
            fields.reject("expiresAt", "must be in the future; to end an account now, disable it");
        }
        if (managerId != null && (before == null || !Objects.equals(managerId, before.managerId()))) {
            if (managerId.equals(user)) {
                fields.reject("managerId", "a user cannot be their own manager");
            } else if (!managers.exists(tenant, managerId)) {
                fields.reject("managerId", "must be the id of a user of this tenant");
            } else if (user != null && managers.chainReaches(tenant, managerId, user)) {
                fields.reject("managerId", "would make a cycle: this user is already above " + managerId
                        + " in the reporting chain");
            }
        }
    }
}
