package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's security settings (docs/api.md, "Bootstrap and tenants"): read, and change by a deep
 * merge of the given fields. Ranges: passwordPolicy.minLength 8..64 and at least 15 unless
 * mfaPolicy.required is ALL; historyCount 0..24; maxAgeDays null or 1..3650; lockoutPolicy
 * maxFailures 1..100, lockMinutes 1..1440; sessionPolicy idleMinutes 1..1440, maxHours 1..720,
 * maxConcurrent null or 1..100, reauthMinutes 1..60; mfaPolicy.required OFF, OPTIONAL, ALL or ROLES (with roles);
 * emailDomains are domain names; ipAllowlist holds CIDR ranges (a bare address is one host);
 * auditRetention is an ISO-8601 period of years and months from P1Y to P100Y (default P6Y).
 */
@RestController
class SettingsController {

    private final SettingsService service;
    private final Actors actors;

    SettingsController(SettingsService service, Actors actors) {
        this.service = service;
        this.actors = actors;
    }

    @GetMapping("/api/v1/tenants/{tenant}/settings")
    SettingsView get(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId) {
        return service.read(caller, tenantId);
    }

    @Operation(summary = "Changes settings by a deep merge of the given fields", description = "Requires"
            + " settings.edit. Unknown fields are refused. passwordPolicy.minLength 8..64, and at least 15 unless"
            + " mfaPolicy.required is ALL; historyCount 0..24; maxAgeDays null or 1..3650; lockoutPolicy.maxFailures"
            + " 1..100; lockMinutes 1..1440; sessionPolicy.idleMinutes 1..1440; maxHours 1..720; maxConcurrent null"
            + " or 1..100; reauthMinutes 1..60; mfaPolicy.required OFF, OPTIONAL, ALL or ROLES (then roles: [roleKey]); methods among"
            + " TOTP, EMAIL_CODE, RECOVERY_CODE; emailDomains are domain names; ipAllowlist holds IPv4/IPv6 CIDR"
            + " ranges (a bare address means one host); auditRetention an ISO-8601 period of years and months,"
            + " P1Y..P100Y (default P6Y); breakGlass.enabled (default true), breakGlass.minutes 5..720 (default 60).")
    @PatchMapping("/api/v1/tenants/{tenant}/settings")
    SettingsView change(@AuthenticationPrincipal Caller caller, @RequestBody JsonNode patch,
            @PathTenant TenantId tenantId, Origin origin) {
        return service.change(caller, tenantId, patch, actors.actor(caller), origin);
    }

    @Operation(summary = "Where each setting comes from", description = "Requires settings.read. inheritsFrom is"
            + " the parent tenant's slug (null without one); origins maps each value's path"
            + " (passwordPolicy.minLength) to own, the slug of the ancestor that set it, or default.")
    @GetMapping("/api/v1/tenants/{tenant}/settings/origins")
    SettingsService.Origins origins(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId) {
        return service.origins(caller, tenantId);
    }

    @Operation(summary = "Returns a setting to the inherited value", description = "Requires settings.edit. Drops"
            + " the tenant's own value at path (a field such as passwordPolicy.minLength, a section such as"
            + " passwordPolicy, or * for every field), so it follows the parent tenant again (the default for a"
            + " tenant without one). Answers the effective settings.")
    @DeleteMapping("/api/v1/tenants/{tenant}/settings/overrides/{path}")
    SettingsView inherit(@AuthenticationPrincipal Caller caller, @PathTenant TenantId tenantId,
            @PathVariable String path, Origin origin) {
        return service.inherit(caller, tenantId, path, actors.actor(caller), origin);
    }
}
