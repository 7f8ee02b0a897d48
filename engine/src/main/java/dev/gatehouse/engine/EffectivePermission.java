package dev.gatehouse.engine;

import java.util.List;

/**
 * A permission a subject holds: the widest scope, where it holds with location-or-wider reach
 * ({@code everywhere}, or the listed locations and everything below them), the roles that give it,
 * and the conditions of any conditional grants.
 */
public record EffectivePermission(
        String permission, Scope scope, boolean everywhere, List<String> locations, List<String> via,
        List<String> conditions) {

    public EffectivePermission {
        locations = List.copyOf(locations);
        via = List.copyOf(via);
        conditions = List.copyOf(conditions);
    }
}
