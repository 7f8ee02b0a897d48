package dev.gatehouse.engine;

import java.util.List;
import java.util.Objects;

/**
 * A named set of grants that may inherit from parent roles: it holds the union of its parents'
 * grants plus its own.
 */
public record Role(String key, String name, String description, List<String> inherits, List<Grant> grants) {
    public Role {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        inherits = List.copyOf(inherits);
        grants = List.copyOf(grants);
    }

    public static Role of(String key, List<String> inherits, List<Grant> grants) {
        return new Role(key, key, "", inherits, grants);
    }
}
