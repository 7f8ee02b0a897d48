package dev.gatehouse.server.audittrail;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The filters of a search or an export of the trail as the caller typed them (docs/api.md,
 * "Audit"): {@code actor} an id or username, {@code action} names separated by commas,
 * {@code target} an id or type:id, {@code resource} type:id, {@code ip} an address or CIDR range,
 * {@code from} inclusive and {@code to} exclusive (ISO-8601 or a date). {@link AuditTrail} checks them.
 * Controllers take it as a parameter: Spring binds the query parameters of those names to it.
 */
public record AuditFilters(@Nullable String actor, @Nullable String action, @Nullable String target,
        @Nullable String resource, @Nullable String ip, @Nullable String role, @Nullable String from,
        @Nullable String to) {

    /** The filters given, by name, stripped; for the AUDIT_EXPORTED event's details and for links. */
    public Map<String, String> given() {
        Map<String, String> given = new LinkedHashMap<>();
        put(given, "actor", actor);
        put(given, "action", action);
        put(given, "target", target);
        put(given, "resource", resource);
        put(given, "ip", ip);
        put(given, "role", role);
        put(given, "from", from);
        put(given, "to", to);
        return given;
    }

    private static void put(Map<String, String> map, String name, @Nullable String value) {
        if (value != null && !value.isBlank()) {
            map.put(name, value.strip());
        }
    }
}
