package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The API of the signed-in user's own second factor ({@link MySecondFactor}). */
@RestController
class MfaController {

    record Confirmation(@NotBlank @Size(max = 16) String code) {}

    record RecoveryCodesView(List<String> recoveryCodes) {}

    record Proof(@Nullable @Size(max = 1024) String password, @Nullable @Size(max = 64) String code) {}

    private final MySecondFactor factor;

    MfaController(MySecondFactor factor) {
        this.factor = factor;
    }

    @GetMapping("/api/v1/me/mfa")
    MySecondFactor.Status status(@AuthenticationPrincipal Caller caller) {
        return factor.status(caller);
    }

    @PostMapping("/api/v1/me/mfa/totp")
    MySecondFactor.Enrolment enrol(@AuthenticationPrincipal Caller caller, Origin origin) {
        return factor.enrol(caller, origin);
    }

    @PostMapping("/api/v1/me/mfa/totp/confirm")
    RecoveryCodesView confirm(@AuthenticationPrincipal Caller caller, @Valid @RequestBody Confirmation confirmation,
            Origin origin) {
        return new RecoveryCodesView(factor.confirm(caller, confirmation.code(), origin));
    }

    /** New recovery codes in place of the old ones; needs a recent re-authentication. */
    @PostMapping("/api/v1/me/mfa/recovery-codes")
    RecoveryCodesView regenerate(@AuthenticationPrincipal Caller caller, Origin origin) {
        return new RecoveryCodesView(factor.regenerateRecoveryCodes(caller, origin));
    }

    @DeleteMapping("/api/v1/me/mfa")
    ResponseEntity<Void> remove(@AuthenticationPrincipal Caller caller, Origin origin) {
        factor.remove(caller, origin);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/v1/me/reauthenticate")
    ResponseEntity<Void> reauthenticate(@AuthenticationPrincipal Caller caller, @Valid @RequestBody Proof proof,
            HttpServletRequest request) {
        factor.reauthenticate(caller, proof.password(), proof.code(), request);
        return ResponseEntity.noContent().build();
    }
}
