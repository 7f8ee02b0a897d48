package dev.gatehouse.client;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A stored relationship tuple (docs/api.md, "Relationships"): {@code user:9 assigned_provider patient:123}.
 * Its {@code id} is what {@link GatehouseClient#deleteRelationship(String)} takes.
 */
public record Relationship(String id, Party subject, String relation, Party object, @Nullable Instant expiresAt,
        @Nullable Instant createdAt) {

    /** One end of a tuple: {@code user:<id>}, {@code careteam:<id>}, {@code patient:123}. */
    public record Party(String type, String id) {
        /** {@code "user:9"} or {@code "careteam:5"}; a bare id names a user. */
        public static Party parse(String text) {
            int colon = text.indexOf(':');
            return colon < 0 ? new Party("user", text) : new Party(text.substring(0, colon), text.substring(colon + 1));
        }

        @Override
        public String toString() {
            return type + ":" + id;
        }
    }
}
