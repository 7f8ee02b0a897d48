package dev.gatehouse.server.apikeys;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An API key as the API and the console show it (docs/api.md: {@code id, name, prefix, owner,
 * scopes, locations, createdAt, expiresAt, lastUsedAt, lastUsedIp, usage: {today, last30Days},
 * status}, and more): never its secret.
 *
 * @param status ACTIVE, EXPIRED, REVOKED, or ROTATING while a replaced secret still works
 * @param previousWorksUntil while ROTATING, when the replaced secret stops working
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiKeyView(String id, String name, String prefix, String owner, @Nullable String ownerUsername,
        List<String> scopes, List<String> locations, Instant createdAt, Instant expiresAt,
        @Nullable Instant lastUsedAt, @Nullable String lastUsedIp, Usage usage, String status,
        Map<String, Integer> rateLimit, @Nullable Instant rotatedAt, @Nullable Instant previousWorksUntil,
        @Nullable Instant revokedAt) {

    /** Requests with the key today (UTC) and in the 30 days up to today. */
    public record Usage(long today, long last30Days) {}

    static ApiKeyView of(KeyStore.Key key, @Nullable String ownerUsername, Usage usage, Instant now) {
        String status = key.status(now);
        return new ApiKeyView(key.id().toString(), key.name(), key.prefix(), key.owner().toString(), ownerUsername,
                key.scopes(), key.locations(), key.createdAt(), key.expiresAt(), key.lastUsedAt(), key.lastUsedIp(),
                usage, status, Map.of("requests", key.rateRequests(), "perSeconds", key.rateSeconds()),
                key.rotatedAt(), status.equals("ROTATING") ? key.previousUntil() : null, key.revokedAt());
    }

    /** Whether it can still be rotated or revoked (the console's buttons). */
    public boolean live() {
        return !status.equals("REVOKED") && !status.equals("EXPIRED");
    }
}
