package dev.gatehouse.server.ldap;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code …/identity-providers/{id}/sync} and {@code …/sync-runs} (an extension of docs/api.md,
 * "Identity providers and provisioning"): needs {@code identity-providers.manage}, as changing the
 * provider does.
 */
@RestController
class SyncController {

    static final String PERMISSION = "identity-providers.manage";

    private final DirectorySync sync;
    private final SyncRuns runs;
    private final Access access;
    private final Actors actors;

    SyncController(DirectorySync sync, SyncRuns runs, Access access, Actors actors) {
        this.sync = sync;
        this.runs = runs;
        this.access = access;
        this.actors = actors;
    }

    @Operation(summary = "Syncs an LDAP provider's directory now", description = """
            Reads the whole directory, then creates (JIT on), updates and disables users through the provider's \
            mappings; a person missing from the directory or disabled there is disabled here, never deleted. \
            200 with the run {created, updated, disabled, unchanged, skipped, errors, failures}; 502 naming the \
            setting when the directory cannot be read (nobody changed); 409 while a sync of it runs. \
            Needs identity-providers.manage.""")
    @PostMapping("/api/v1/tenants/{tenant}/identity-providers/{id}/sync")
    SyncRuns.Run syncNow(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            Origin origin, @PathTenant TenantId tenantId) {
        access.require(caller, PERMISSION, null);
        IdentityProvider provider = sync.provider(tenantId, Ids.inPath(id, "LDAP identity provider"));
        if (!provider.enabled()) {
            throw ApiException.conflict("the identity provider is disabled");
        }
        SyncRuns.Run run = sync.run(provider, SyncRuns.Trigger.MANUAL, actors.actor(caller), origin)
                .orElseThrow(() -> ApiException.conflict("a sync of this identity provider is running"));
        if ("FAILED".equals(run.outcome())) {
            String field = run.field() == null ? "config.url" : run.field();
            throw new ApiException(HttpStatus.BAD_GATEWAY, "Directory sync failed",
                    "the directory could not be read; nobody was changed (run " + run.id() + ")",
                    List.of(new FieldError(field, run.message() == null ? "failed" : run.message())));
        }
        return run;
    }

    @Operation(summary = "An LDAP provider's syncs, newest first", description = "Needs identity-providers.manage.")
    @GetMapping("/api/v1/tenants/{tenant}/identity-providers/{id}/sync-runs")
    List<SyncRuns.Run> list(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size,
            @PathTenant TenantId tenantId) {
        access.require(caller, PERMISSION, null);
        IdentityProvider provider = sync.provider(tenantId, Ids.inPath(id, "LDAP identity provider"));
        return runs.of(tenantId, provider.id(), size);
    }
}
