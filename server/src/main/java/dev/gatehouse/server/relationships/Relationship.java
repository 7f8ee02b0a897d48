package dev.gatehouse.server.relationships;

import dev.gatehouse.server.shared.Ids;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One stored tuple {@code subject relation object}, e.g. {@code user:9 assigned_provider patient:123},
 * in force until {@code expiresAt} (forever when null; an expired tuple is kept until deleted but never
 * counts).
 */
public record Relationship(UUID id, Party subject, String relation, Party object, @Nullable Instant expiresAt,
        Instant createdAt) {

    /** The relation that makes a user a member of a care team ({@code user:9 member careteam:5}). */
    public static final String MEMBER = "member";
    /** The relation by which a care team cares for a patient ({@code careteam:5 care_team patient:123}). */
    public static final String CARE_TEAM = "care_team";
    /** An explicit share ({@code user:12 shared_with patient:123}), typically expiring. */
    public static final String SHARED_WITH = "shared_with";
    /** Relations naming who is assigned to an object start with this ({@code assigned_provider}). */
    public static final String ASSIGNED_PREFIX = "assigned_";

    /** A side of a tuple: a type and an id ({@code user} and a user's id, {@code patient} and the application's id). */
    public record Party(String type, String id) {
        public static final String USER = "user";
        public static final String CARE_TEAM = "careteam";

        public static Party user(UUID id) {
            return new Party(USER, id.toString());
        }

        public static Party careTeam(UUID id) {
            return new Party(CARE_TEAM, id.toString());
        }

        /**
         * The id of a user or care team side.
         *
         * @throws IllegalStateException for an object's id, which is the application's text
         */
        public UUID uuid() {
            return Ids.parse(id).orElseThrow(() -> new IllegalStateException(this + " is not a user or care team"));
        }

        @Override
        public String toString() {
            return type + ":" + id;
        }
    }

    public boolean inForceAt(Instant at) {
        return expiresAt == null || at.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return subject + " " + relation + " " + object;
    }
}
