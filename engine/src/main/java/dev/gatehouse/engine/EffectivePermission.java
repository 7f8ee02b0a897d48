package dev.gatehouse.engine;

import java.util.List;

/**
 * A permission a subject holds: the widest scope its unconditional grants give, where it holds with
 * location-or-wider reach ({@code everywhere}, or the listed locations and everything below them), the
 * roles that give it, and the conditions of any conditional grants. {@code onlyUnderConditions}: every
 * grant giving it has a condition, so the scope and places say nothing is held without one (the scope
 * is then {@link Scope#OWN}, the narrowest) — what a browser, which cannot evaluate conditions, must know.
 */
public record EffectivePermission(
        String permission, Scope scope, boolean everywhere, List<String> locations, List<String> via,
        List<String> conditions, boolean onlyUnderConditions) {

    public EffectivePermission {
        locations = List.copyOf(locations);
        via = List.copyOf(via);
        conditions = List.copyOf(conditions);
    }
}
