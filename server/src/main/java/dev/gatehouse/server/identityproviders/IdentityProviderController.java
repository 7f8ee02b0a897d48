package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code …/identity-providers} (docs/api.md, "Identity providers and provisioning"); needs identity-providers.manage. */
@RestController
class IdentityProviderController {

    private static final String PATH = "/api/v1/tenants/{tenant}/identity-providers";

    private final ProviderRegistry registry;

    IdentityProviderController(ProviderRegistry registry) {
        this.registry = registry;
    }

    @GetMapping(PATH)
    Page<ProviderRegistry.View> list(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId) {
        List<ProviderRegistry.View> all = registry.list(caller, tenantId);
        return new Page<>(all, 0, Math.max(all.size(), 1), all.size());
    }

    @Operation(summary = "Connects an identity provider", description = """
            {name, kind: OIDC|SAML|LDAP, preset?: ENTRA|OKTA|GOOGLE (OIDC only), domains: [e-mail domains, each \
            routed to one provider of the tenant], config: {the protocol's settings; secret ones are write-only}, \
            jitProvisioning, mappings: [{group, or claim and value; role; location?}], enforced, enabled}. Each \
            mapped role must be one the caller may hand out there. Answers the provider with secretsSet (the \
            names of the secrets stored), never the secrets.""")
    @PostMapping(PATH)
    ResponseEntity<ProviderRegistry.View> create(@AuthenticationPrincipal Caller caller,
            @RequestBody JsonNode body, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        ProviderRegistry.View created = registry.create(caller, tenant.id(), body, origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/identity-providers/"
                + created.id()))
                .body(created);
    }

    @GetMapping(PATH + "/{id}")
    ProviderRegistry.View get(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @PathTenant TenantId tenantId) {
        return registry.get(caller, tenantId, Ids.inPath(id, "identity provider"));
    }

    @Operation(summary = "Changes an identity provider", description = "The fields sent change; a secret config"
            + " field left out keeps its stored value, null removes it. The kind cannot change.")
    @PatchMapping(PATH + "/{id}")
    ProviderRegistry.View update(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @RequestBody JsonNode body, Origin origin, @PathTenant TenantId tenantId) {
        return registry.update(caller, tenantId, Ids.inPath(id, "identity provider"), body, origin);
    }

    @DeleteMapping(PATH + "/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, Origin origin, @PathTenant TenantId tenantId) {
        registry.delete(caller, tenantId, Ids.inPath(id, "identity provider"), origin);
        return ResponseEntity.noContent().build();
    }
}
