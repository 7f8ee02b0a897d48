package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import java.util.Map;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A provider's weekly availability (our extension of docs/api.md, "Users"): {@code {timezone,
 * days: {MONDAY: {hours: [{from, to}], breaks: [{from, to}]}}}}, times as HH:mm; a day that is
 * absent or has no hours is a day off. PUT replaces the whole week.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/users/{id}/availability")
class AvailabilityController {

    private final UserAvailability availability;

    AvailabilityController(UserAvailability availability) {
        this.availability = availability;
    }

    @GetMapping
    Map<String, Object> get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            @PathTenant TenantPaths.TenantRef tenant) {
        return availability.get(caller, TenantScope.of(tenant), id).document();
    }

    @PutMapping
    Map<String, Object> replace(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @RequestBody JsonNode body, Origin origin,
            @PathTenant TenantPaths.TenantRef tenant) {
        return availability.replace(caller, TenantScope.of(tenant), id, body, origin)
                .document();
    }
}
