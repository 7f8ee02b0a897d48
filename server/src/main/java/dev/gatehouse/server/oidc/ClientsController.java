package dev.gatehouse.server.oidc;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code …/clients}: the tenant's OAuth clients (docs/api.md, "Applications"); all need {@code clients.manage}. */
@RestController
@Validated
@RequestMapping("/api/v1/tenants/{tenant}/clients")
class ClientsController {

    private final OidcClients clients;

    ClientsController(OidcClients clients) {
        this.clients = clients;
    }

    @Operation(summary = "Registers an application", description = "Requires clients.manage, and covering the"
            + " serviceAccount. The answer's clientSecret (confidential clients) is shown only here.")
    @PostMapping
    ResponseEntity<OidcClients.Created> create(@AuthenticationPrincipal Caller caller,
            @RequestBody OidcClients.ClientRequest body, Origin origin, @PathTenant TenantId id) {
        return ResponseEntity.status(HttpStatus.CREATED).body(clients.create(caller, id, body, origin));
    }

    @GetMapping
    Page<OidcClients.ClientView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId id) {
        return clients.list(caller, id, page, size);
    }

    @GetMapping("/{clientId}")
    OidcClients.ClientView get(@AuthenticationPrincipal Caller caller,
            @PathVariable String clientId, @PathTenant TenantId id) {
        return clients.get(caller, id, clientId);
    }

    @Operation(summary = "Changes an application", description = "Requires clients.manage. status DISABLED refuses"
            + " its tokens on every node within a second; type cannot change.")
    @PatchMapping("/{clientId}")
    OidcClients.ClientView update(@AuthenticationPrincipal Caller caller,
            @PathVariable String clientId, @RequestBody OidcClients.ClientRequest body, Origin origin,
            @PathTenant TenantId id) {
        return clients.update(caller, id, clientId, body, origin);
    }

    @DeleteMapping("/{clientId}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller,
            @PathVariable String clientId, Origin origin, @PathTenant TenantId id) {
        clients.delete(caller, id, clientId, origin);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Issues a new client secret", description = "Requires clients.manage. The previous secret"
            + " stops working at once; the new one is shown only in this answer.")
    @PostMapping("/{clientId}/secret")
    ResponseEntity<OidcClients.RotatedSecret> rotate(@AuthenticationPrincipal Caller caller,
            @PathVariable String clientId, Origin origin, @PathTenant TenantId id) {
        return ResponseEntity.status(HttpStatus.CREATED).body(clients.rotateSecret(caller, id, clientId, origin));
    }
}
