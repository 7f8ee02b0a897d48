package dev.gatehouse.server.passkeys;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.server.authentication.SignIn;
import dev.gatehouse.server.authentication.SignInService;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Origin;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Signing in with a passkey, alone or as the second step ({@link PasskeySignIn}); answered as login is. */
@RestController
class PasskeySignInController {

    record SignInOptionsRequest(@Nullable String tenant, @Nullable String username) {}

    record PasskeyLogin(@Nullable String tenant, @Nullable String challengeId, @Nullable JsonNode credential) {}

    record SecondStepOptionsRequest(@Nullable String mfaToken) {}

    record PasskeySecondStep(@Nullable String mfaToken, @Nullable String challengeId, @Nullable JsonNode credential) {}

    /** As {@code POST /api/v1/auth/login} answers (docs/api.md). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SignInAnswer(@Nullable String token, @Nullable Instant expiresAt, @Nullable String userId,
            @Nullable List<String> requiredActions, @Nullable Boolean mfaRequired, @Nullable String mfaToken) {}

    private final PasskeySignIn passkeys;

    PasskeySignInController(PasskeySignIn passkeys) {
        this.passkeys = passkeys;
    }

    @Operation(summary = "Options of a passwordless sign-in", description = """
            {tenant, username?}: a one-use challenge and the options for navigator.credentials.get \
            (user verification required). Without a username the browser offers its discoverable passkeys. \
            401 unless the tenant allows it (mfaPolicy.passwordless).""")
    @PostMapping("/api/v1/auth/passkey/options")
    PasskeySignIn.Options options(@RequestBody SignInOptionsRequest body, Origin origin) {
        return passkeys.options(required("tenant", body.tenant(), 64), body.username(), origin);
    }

    @Operation(summary = "Signs in with a passkey alone", description = "{tenant, challengeId, credential} → as login.")
    @PostMapping("/api/v1/auth/passkey")
    SignInAnswer signIn(@RequestBody PasskeyLogin body, HttpServletRequest request, Origin origin) {
        return answer(passkeys.signIn(required("tenant", body.tenant(), 64), body.challengeId(), text(body.credential()),
                request, origin));
    }

    @Operation(summary = "Options of a passkey as the second step", description = "{mfaToken} of the password step.")
    @PostMapping("/api/v1/auth/mfa/passkey/options")
    PasskeySignIn.Options secondFactorOptions(@RequestBody SecondStepOptionsRequest body, Origin origin) {
        return passkeys.secondFactorOptions(required("mfaToken", body.mfaToken(), 128), origin);
    }

    @Operation(summary = "Completes a two-step sign-in with a passkey", description = """
            {mfaToken, challengeId, credential} → as login.""")
    @PostMapping("/api/v1/auth/mfa/passkey")
    SignInAnswer secondFactor(@RequestBody PasskeySecondStep body, HttpServletRequest request, Origin origin) {
        return answer(passkeys.secondFactor(required("mfaToken", body.mfaToken(), 128), body.challengeId(),
                text(body.credential()), request, origin));
    }

    static @Nullable String text(@Nullable JsonNode credential) {
        return credential == null || credential.isNull() ? null : credential.toString();
    }

    private static String required(String field, @Nullable String value, int max) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(field, "is required");
        }
        if (value.length() > max) {
            throw ApiException.badRequest(field, "must be at most " + max + " characters");
        }
        return value;
    }

    private static SignInAnswer answer(SignIn.Outcome outcome) {
        return switch (outcome) {
            case SignIn.Signed s -> new SignInAnswer(s.token(), s.expiresAt(), s.userId(), s.requiredActions(), null,
                    null);
            case SignIn.SecondStep s -> new SignInAnswer(null, null, null, null, true, s.mfaToken());
            case SignIn.Refused r -> throw SignInService.refused();
            case SignIn.Expired e -> throw SignInService.expired(e);
        };
    }
}
