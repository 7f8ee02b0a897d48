package dev.gatehouse.client;

import org.jspecify.annotations.Nullable;

/**
 * One answer of a batch, in the order asked: a {@code result}, or an {@code error} for a check the server
 * could not decide (a user the tenant does not have: status 404).
 */
public record BatchResult(@Nullable CheckResult result, @Nullable Error error) {

    public boolean ok() {
        return result != null;
    }

    /** Why one check of a batch has no answer. */
    public record Error(int status, String detail) {}
}
