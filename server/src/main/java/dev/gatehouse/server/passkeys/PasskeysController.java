package dev.gatehouse.server.passkeys;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The signed-in user's passkeys ({@code /api/v1/me/passkeys}), and an administrator's view of another user's. */
@RestController
class PasskeysController {

    /** {@code credential}: the browser's {@code PublicKeyCredential} as JSON (its {@code toJSON()}). */
    record NewPasskey(@Nullable String name, @Nullable String challengeId, @Nullable JsonNode credential) {}

    record Rename(@Nullable String name) {}

    record Listing(List<Passkeys.View> items) {}

    private final Passkeys passkeys;

    PasskeysController(Passkeys passkeys) {
        this.passkeys = passkeys;
    }

    @Operation(summary = "Starts registering a passkey", description = """
            A one-use challenge (five minutes) and the options for navigator.credentials.create \
            (PublicKeyCredentialCreationOptionsJSON). Needs a recent re-authentication.""")
    @RequestMapping(path = "/api/v1/me/passkeys/options", method = {RequestMethod.GET, RequestMethod.POST})
    Passkeys.Registration options(@AuthenticationPrincipal Caller caller) {
        return passkeys.options(caller);
    }

    @Operation(summary = "Registers a passkey", description = """
            {name, challengeId, credential}: the challenge from /options and the PublicKeyCredential the browser \
            made with it. Verified (challenge, origin, relying party, signature); audited PASSKEY_REGISTERED.""")
    @PostMapping("/api/v1/me/passkeys")
    ResponseEntity<Passkeys.View> register(@AuthenticationPrincipal Caller caller, @RequestBody NewPasskey body,
            Origin origin) {
        Passkeys.View view = passkeys.register(caller, body.name(), body.challengeId(),
                body.credential() == null || body.credential().isNull() ? null : body.credential().toString(), origin);
        return ResponseEntity.created(URI.create("/api/v1/me/passkeys/" + view.id())).body(view);
    }

    @GetMapping("/api/v1/me/passkeys")
    Listing mine(@AuthenticationPrincipal Caller caller) {
        return new Listing(passkeys.mine(caller));
    }

    @PatchMapping("/api/v1/me/passkeys/{id}")
    Passkeys.View rename(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, @RequestBody Rename body,
            Origin origin) {
        return passkeys.rename(caller, id, body.name(), origin);
    }

    @Operation(summary = "Removes one of your passkeys", description = "Needs a recent re-authentication;"
            + " audited PASSKEY_REMOVED.")
    @DeleteMapping("/api/v1/me/passkeys/{id}")
    ResponseEntity<Void> remove(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, Origin origin) {
        passkeys.remove(caller, id, origin);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "A user's passkeys", description = "users.read, and holding everything the user holds.")
    @GetMapping("/api/v1/tenants/{tenant}/users/{id}/passkeys")
    Listing ofUser(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            @PathTenant TenantId tenantId) {
        return new Listing(passkeys.ofUser(caller, tenantId, id));
    }

    @Operation(summary = "Removes a user's passkey (lost or stolen)", description = "users.edit, and holding"
            + " everything the user holds; audited PASSKEY_REMOVED.")
    @DeleteMapping("/api/v1/tenants/{tenant}/users/{id}/passkeys/{passkey}")
    ResponseEntity<Void> removeOf(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @PathVariable UUID passkey, Origin origin, @PathTenant TenantId tenantId) {
        passkeys.removeOf(caller, tenantId, id, passkey, origin);
        return ResponseEntity.noContent().build();
    }
}
