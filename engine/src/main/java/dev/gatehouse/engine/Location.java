package dev.gatehouse.engine;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A site of the tenant, optionally inside a parent location. */
public record Location(String id, @Nullable String parent) {
    public Location {
        Objects.requireNonNull(id, "id");
    }

    public static Location root(String id) {
        return new Location(id, null);
    }

    public static Location under(String parent, String id) {
        return new Location(id, parent);
    }
}
