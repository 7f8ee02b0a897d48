package dev.gatehouse.client;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One question, "may {@code user} do {@code permission} (on this resource)?", as the check API takes it
 * (docs/api.md, "Decisions"). Immutable: each method answers a new check.
 *
 * @param user the user's id or username
 * @param ip the client address for conditions on {@code request.ip}; asking about another user the server
 *     assumes none, so only as given
 * @param at another moment than now
 * @param fields field permissions to decide too ({@code ssn} is {@code permission.ssn}); null for none
 * @param audit whether a deny is recorded as {@code PERMISSION_DENIED}; null leaves it to the batch
 */
public record Check(String user, String permission, @Nullable ResourceRef resource, @Nullable String ip,
        @Nullable Instant at, @Nullable List<String> fields, @Nullable Boolean audit) {

    public Check {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(permission, "permission");
        fields = fields == null ? null : List.copyOf(fields);
    }

    public static Check of(String user, String permission) {
        return new Check(user, permission, null, null, null, null, null);
    }

    public Check on(@Nullable ResourceRef newResource) {
        return new Check(user, permission, newResource, ip, at, fields, audit);
    }

    public Check ip(@Nullable String address) {
        return new Check(user, permission, resource, address, at, fields, audit);
    }

    public Check at(@Nullable Instant moment) {
        return new Check(user, permission, resource, ip, moment, fields, audit);
    }

    public Check fields(String... names) {
        return new Check(user, permission, resource, ip, at, Arrays.asList(names), audit);
    }

    public Check audit(boolean record) {
        return new Check(user, permission, resource, ip, at, fields, record);
    }
}
