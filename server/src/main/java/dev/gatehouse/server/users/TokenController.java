package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.Origin;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Redeeming invitation and password-reset links; needs no sign-in, the link is the credential (docs/api.md). */
@RestController
class TokenController {

    record Accept(@NotBlank @Size(max = 512) String token, @NotBlank @Size(max = 1024) String newPassword) {}

    private final TokenAcceptance acceptance;

    TokenController(TokenAcceptance acceptance) {
        this.acceptance = acceptance;
    }

    @PostMapping("/api/v1/auth/tokens/accept")
    ResponseEntity<Void> accept(@Valid @RequestBody Accept request, Origin origin) {
        acceptance.accept(request.token().strip(), request.newPassword(),
                origin);
        return ResponseEntity.noContent().build();
    }
}
