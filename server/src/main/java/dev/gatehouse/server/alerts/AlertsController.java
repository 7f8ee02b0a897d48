package dev.gatehouse.server.alerts;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's alert rules and webhook (an extension of docs/api.md; docs/audit.md, "Alerts").
 * Reading needs {@code settings.read}; changing them or the webhook secret {@code settings.edit}:
 * alerts are part of the tenant's security settings, and every pack's admin role holds both.
 */
@RestController
class AlertsController {

    private final AlertSettingsService service;
    private final TestAlerts tests;
    private final Access access;
    private final Actors actors;

    AlertsController(AlertSettingsService service, TestAlerts tests, Access access, Actors actors) {
        this.service = service;
        this.tests = tests;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping("/api/v1/tenants/{tenant}/alerts")
    AlertSettingsService.View get(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId id) {
        access.require(caller, "settings.read", null);
        return service.get(id);
    }

    @Operation(summary = "Replaces the alert rules and webhook", description = "Requires settings.edit. A rule or field"
            + " left out takes its default. count 1..1000000, minutes 1..1440, actions 1..20 UPPER_SNAKE names;"
            + " webhook.url https (plain http only to 127.0.0.1, ::1 or localhost). The first URL issues the webhook"
            + " secret, shown in this answer only.")
    @PutMapping("/api/v1/tenants/{tenant}/alerts")
    AlertSettingsService.View replace(@AuthenticationPrincipal Caller caller,
            @RequestBody JsonNode body, Origin origin, @PathTenant TenantId id) {
        access.require(caller, "settings.edit", null);
        return service.replace(id, body, actors.actor(caller), origin);
    }

    @Operation(summary = "Issues a new webhook secret", description = "Requires settings.edit. The answer is the only"
            + " place the secret is shown; the previous one stops working at once.")
    @PostMapping("/api/v1/tenants/{tenant}/alerts/webhook/secret")
    AlertSettingsService.IssuedSecret rotate(@AuthenticationPrincipal Caller caller,
            Origin origin, @PathTenant TenantId id) {
        access.require(caller, "settings.edit", null);
        return service.rotate(id, actors.actor(caller), origin);
    }

    @Operation(summary = "Raises a test alert", description = "Requires settings.edit. Raised like any alert (trail,"
            + " mail to the admins, webhook when enabled), so the whole chain can be checked. Throttled per account (3 in"
            + " 15 minutes) and tenant (10 an hour): 429 with Retry-After.")
    @PostMapping("/api/v1/tenants/{tenant}/alerts/test")
    @ResponseStatus(HttpStatus.CREATED)
    TestAlerts.Sent test(@AuthenticationPrincipal Caller caller, Origin origin,
            @PathTenant TenantId id) {
        access.require(caller, "settings.edit", null);
        return tests.send(id, actors.actor(caller), origin);
    }
}
