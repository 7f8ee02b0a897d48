package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.Origin;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/auth/password/forgot}: needs no sign-in and answers the same {@code 202},
 * after about the same time, whether or not the account exists, so it cannot be used to find
 * accounts (ASVS 6.3.8).
 */
@RestController
class ForgotPasswordController {

    record Forgot(@NotBlank @Size(max = 64) String tenant, @NotBlank @Size(max = 320) String username) {}

    static final Map<String, String> ANSWER = Map.of("message",
            "If this account exists, is active and has an e-mail address, a link to reset its password is on its way.");

    private final PasswordRecovery forgot;

    ForgotPasswordController(PasswordRecovery forgot) {
        this.forgot = forgot;
    }

    @PostMapping("/api/v1/auth/password/forgot")
    ResponseEntity<Map<String, String>> forgot(@Valid @RequestBody Forgot request, Origin origin) {
        forgot.request(request.tenant(), request.username(), origin);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ANSWER);
    }
}
