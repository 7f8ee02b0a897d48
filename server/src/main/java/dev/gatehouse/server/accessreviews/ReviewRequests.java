package dev.gatehouse.server.accessreviews;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the access-reviews API takes (docs/api.md, "Temporary access"); every field is checked by the service. */
public final class ReviewRequests {

    private ReviewRequests() {}

    /** Locations (with everything below them) and roles; an empty or absent list does not narrow. */
    public record Scope(@Nullable List<String> locations, @Nullable List<String> roles) {}

    /**
     * {@code reviewer}: {@code MANAGER} (each user's manager) or a user id; {@code recurrence}:
     * {@code QUARTERLY}; {@code defaultDecision}: what unanswered items become at {@code dueAt}
     * ({@code REVOKE} unless given).
     */
    public record Create(@Nullable String name, @Nullable Scope scope, @Nullable String reviewer, @Nullable Instant dueAt,
            @Nullable String recurrence, @Nullable String defaultDecision) {}

    /** A reviewer's answer for one item: {@code KEEP} or {@code REVOKE}, with an optional note. */
    public record Decide(@Nullable String decision, @Nullable String note) {}
}
