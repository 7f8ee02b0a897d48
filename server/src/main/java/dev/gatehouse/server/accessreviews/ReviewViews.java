package dev.gatehouse.server.accessreviews;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the access-reviews API and console show of a campaign and its items. */
public final class ReviewViews {

    private ReviewViews() {}

    public record ScopeView(List<String> locations, List<String> roles) {}

    /** A campaign: {@code items} in all, {@code pending} without a decision yet. */
    public record ReviewView(String id, String name, ScopeView scope, String reviewer, Instant dueAt,
            @Nullable String recurrence, String defaultDecision, String status, @Nullable String createdBy,
            Instant createdAt, @Nullable Instant completedAt, @Nullable String previousId, long items, long pending) {}

    /**
     * One user × assignment under review. {@code reviewer} null: any holder of
     * access_reviews.manage other than the user. {@code outcome}: KEPT, REVOKED, ALREADY_GONE (the
     * assignment had been removed meanwhile) or NOT_REVOKED_LAST_ADMINISTRATOR.
     */
    public record ItemView(String id, String user, String username, String assignmentId, String role,
            @Nullable String location, @Nullable Instant startsAt, @Nullable Instant expiresAt, String source,
            @Nullable String reviewer, @Nullable String reviewerName, @Nullable String decision,
            @Nullable String decidedBy, @Nullable String decidedByName, @Nullable Instant decidedAt, boolean defaulted,
            @Nullable String note, @Nullable String outcome) {}

    /** A campaign with the items the caller may see (all for a holder of access_reviews.manage, else theirs). */
    public record ReviewDetail(ReviewView review, List<ItemView> items) {}

    /** The closing report: every item with its decision, who, when and the note; counts by outcome. */
    public record Report(ReviewView review, Summary summary, List<ItemView> items) {}

    public record Summary(long kept, long revoked, long defaulted, long notRevoked, long pending) {}
}
