package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
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
    private final TenantScope scope;

    AvailabilityController(UserAvailability availability, TenantScope scope) {
        this.availability = availability;
        this.scope = scope;
    }

    @GetMapping
    Map<String, Object> get(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable UUID id) {
        return availability.get(caller, scope.resolve(caller, tenant), id).document();
    }

    @PutMapping
    Map<String, Object> replace(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @PathVariable UUID id, @RequestBody JsonNode body, Origin origin) {
        return availability.replace(caller, scope.resolve(caller, tenant), id, body, origin)
                .document();
    }
}
