package dev.gatehouse.engine;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a stored relationship makes a subject one of a resource's assignees (docs/access-model.md,
 * "Scopes": {@code ASSIGNED}), for the reason of an allow: directly ({@code user:9 assigned_provider
 * patient:123}), as a member of a care team that cares for it ({@code user:9 member careteam:5} and
 * {@code careteam:5 care_team patient:123}), or because it is shared with them
 * ({@code user:12 shared_with patient:123}), until {@code until} when that is not null.
 */
public record RelationPath(Kind kind, String relation, String objectType, String objectId,
        @Nullable String careTeam, @Nullable String careTeamName, @Nullable Instant until) {

    public enum Kind {
        /** The subject's own {@code assigned_*} tuple. */
        ASSIGNED,
        /** A care team the subject is a member of has a {@code care_team} tuple to the resource. */
        CARE_TEAM,
        /** The subject's own {@code shared_with} tuple. */
        SHARED
    }

    public RelationPath {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(objectId, "objectId");
    }

    /**
     * In words: "assigned provider of patient 123", "member of care team Cardiology A, which cares
     * for patient 123", "patient 123 is shared with them until 2026-12-06T18:00:00Z".
     */
    public String describe() {
        String object = objectType + " " + objectId;
        String until = this.until == null ? "" : " until " + this.until;
        return switch (kind) {
            case ASSIGNED -> relation.substring(Math.min(relation.length(), SubjectRelations.ASSIGNED_PREFIX.length()))
                    .replace('_', ' ').toLowerCase(Locale.ROOT).transform(role -> "assigned " + role + " of " + object)
                    + until;
            case CARE_TEAM -> "member of care team " + (careTeamName == null ? careTeam : careTeamName)
                    + ", which cares for " + object + until;
            case SHARED -> object + " is shared with them" + until;
        };
    }
}
