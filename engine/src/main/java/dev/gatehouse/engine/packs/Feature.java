package dev.gatehouse.engine.packs;

import java.util.List;

/**
 * A feature of a pack (Patients, Billing, ...) and the actions it offers; each action is the
 * permission {@code key.action}. The console draws its role matrix from these.
 */
public record Feature(String key, String label, List<String> actions) {
    public Feature {
        actions = List.copyOf(actions);
    }

    public String permission(String action) {
        return key + "." + action;
    }
}
