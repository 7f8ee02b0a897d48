package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Origin;
import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/auth/discover} (docs/api.md, "Identity providers and provisioning"): public, throttled per address. */
@RestController
class DiscoveryController {

    private final Discovery discovery;

    DiscoveryController(Discovery discovery) {
        this.discovery = discovery;
    }

    @Operation(summary = "Home-realm discovery", description = "Where a person of the tenant signs in, by the domain"
            + " of their e-mail address alone: {method: SSO, provider: {id, name, loginUrl}} or {method: PASSWORD}."
            + " Tells nothing about accounts. Without a tenant (or when the tenant's domain mapping targets a child),"
            + " a domain mapping picks the tenant and the answer names it in tenant. Needs no session; throttled"
            + " per address.")
    @GetMapping("/api/v1/auth/discover")
    Discovery.Answer discover(@RequestParam(required = false) @Nullable String tenant,
            @RequestParam(required = false) @Nullable String email, Origin origin) {
        if (tenant != null && tenant.length() > 200) {
            throw ApiException.badRequest("tenant", "must be a tenant's slug or id (at most 200 characters)");
        }
        if (email == null || email.isBlank() || email.length() > 320) {
            throw ApiException.badRequest("email", "is required");
        }
        return discovery.discover(tenant, email, origin);
    }
}
