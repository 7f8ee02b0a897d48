package dev.gatehouse.server.emergencyaccess;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One opening of emergency access: {@code user} may reach {@code resourceType:resourceId} through a
 * {@code shared_with} relationship ({@code relationshipId}) from {@code openedAt} until
 * {@code expiresAt}, or until {@code endedAt} when it was ended early (by the clinician, or by a
 * review that found it not justified). Reviewed once: {@code outcome} and the rest are null until then.
 */
public record EmergencyAccess(UUID id, UUID user, String resourceType, String resourceId, @Nullable String location,
        String reason, Instant openedAt, Instant expiresAt, UUID relationshipId, @Nullable Instant endedAt,
        @Nullable UUID endedBy, @Nullable Outcome outcome, @Nullable String reviewNote, @Nullable UUID reviewedBy,
        @Nullable Instant reviewedAt) {

    /** What a reviewer found. */
    public enum Outcome {
        JUSTIFIED, NOT_JUSTIFIED
    }

    /** Where it stands in the review queue ({@code GET …/break-glass?status=}). */
    public enum Status {
        PENDING_REVIEW, REVIEWED
    }

    public Status status() {
        return outcome == null ? Status.PENDING_REVIEW : Status.REVIEWED;
    }

    /** Whether the share still lets the user in at {@code at}: not ended, not expired. */
    public boolean openAt(Instant at) {
        return endedAt == null && at.isBefore(expiresAt);
    }

    /** When the access stopped or will stop: the early end, or the expiry. */
    public Instant until() {
        return endedAt != null && endedAt.isBefore(expiresAt) ? endedAt : expiresAt;
    }

    /** {@code patient:123}, as relationships and the audit trail write a resource. */
    public String resource() {
        return resourceType + ":" + resourceId;
    }
}
