package dev.gatehouse.engine;

import java.util.Objects;

/**
 * A condition on a grant, as written by the tenant ({@code resource.amount < 500}). The engine
 * keeps it with the grant and hands it to a {@link ConditionEvaluator}; a condition that cannot be
 * evaluated never allows.
 */
public record Condition(String expression) {
    public Condition {
        Objects.requireNonNull(expression, "expression");
        if (expression.isBlank()) {
            throw new IllegalArgumentException("a condition needs an expression");
        }
    }
}
