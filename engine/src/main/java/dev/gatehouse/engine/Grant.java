package dev.gatehouse.engine;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A permission (or a wildcard {@code *} / {@code resource.*}) with a scope and an optional
 * condition.
 */
public record Grant(String permission, Scope scope, @Nullable Condition condition) {
    public Grant {
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(scope, "scope");
    }

    public static Grant of(String permission, Scope scope) {
        return new Grant(permission, scope, null);
    }

    /** A grant with the default scope, {@link Scope#TENANT} (docs/api.md). */
    public static Grant of(String permission) {
        return new Grant(permission, Scope.TENANT, null);
    }

    public boolean isConditional() {
        return condition != null;
    }

    @Override
    public String toString() {
        return permission + "@" + scope + (condition == null ? "" : " if " + condition.expression());
    }
}
