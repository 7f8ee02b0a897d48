package dev.gatehouse.client;

import java.util.List;

/**
 * A permission a user holds now (the users API's {@code GET …/users/{id}/permissions}): its widest scope,
 * where it reaches ({@code everywhere}, or the listed locations and everything below them), the roles that
 * give it and the conditions of any conditional grant.
 */
public record EffectivePermissionView(String permission, String scope, List<String> locations, boolean everywhere,
        List<String> via, List<String> conditions) {
    public EffectivePermissionView {
        locations = locations == null ? List.of() : List.copyOf(locations);
        via = via == null ? List.of() : List.copyOf(via);
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }
}
