package dev.gatehouse.server.shared;

import java.util.Objects;
import java.util.UUID;

/** A tenant's id; first parameter of every repository method (docs/style.md rule 6). */
public record TenantId(UUID value) {
    public TenantId {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
