package dev.gatehouse.client;

import java.util.Map;

/**
 * A user who may do what a who-can asked, with how: {@code via} is the role, assignment and grant that
 * allow it, as the check API's {@code via}.
 */
public record Holder(UserRef user, Map<String, Object> via) {

    /** A user by id and username. */
    public record UserRef(String id, String username) {}
}
