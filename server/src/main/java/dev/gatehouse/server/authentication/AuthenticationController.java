package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.MyAccess;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Impersonator;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Sign-in, sign-out, and the signed-in user's own account (docs/api.md, "Authentication"). */
@RestController
class AuthenticationController {

    record Login(@NotBlank @Size(max = 64) String tenant, @NotBlank @Size(max = 320) String username,
            @NotBlank @Size(max = 1024) String password) {}

    record PasswordChange(@NotBlank @Size(max = 1024) String currentPassword, @NotBlank @Size(max = 1024) String newPassword) {}

    private final SignInService signIn;
    private final MyAccess mine;

    AuthenticationController(SignInService signIn, MyAccess mine) {
        this.signIn = signIn;
        this.mine = mine;
    }

    /** Answers a sign-in: a session, or the second step of a two-step sign-in (docs/api.md). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SignInAnswer(@Nullable String token, @Nullable Instant expiresAt, @Nullable String userId,
            @Nullable List<String> requiredActions, @Nullable Boolean mfaRequired, @Nullable String mfaToken) {}

    record SecondStep(@NotBlank @Size(max = 128) String mfaToken, @NotBlank @Size(max = 64) String code) {}

    record EmailCodeRequest(@NotBlank @Size(max = 128) String mfaToken) {}

    @PostMapping("/api/v1/auth/login")
    public SignInAnswer login(@Valid @RequestBody Login login, HttpServletRequest request) {
        return answer(signIn.password(login.tenant(), login.username(), login.password(), request));
    }

    @PostMapping("/api/v1/auth/mfa")
    public SignInAnswer secondFactor(@Valid @RequestBody SecondStep step, HttpServletRequest request) {
        return answer(signIn.secondFactor(step.mfaToken(), step.code(), request));
    }

    /** Mails a one-time code for a pending two-step sign-in, when the tenant allows e-mailed codes. */
    @PostMapping("/api/v1/auth/mfa/email")
    public ResponseEntity<Void> emailCode(@Valid @RequestBody EmailCodeRequest body, HttpServletRequest request) {
        signIn.emailCode(body.mfaToken(), request);
        return ResponseEntity.accepted().build();
    }

    private static SignInAnswer answer(SignIn.Outcome outcome) {
        return switch (outcome) {
            case SignIn.Signed s -> new SignInAnswer(s.token(), s.expiresAt(), s.userId(), s.requiredActions(), null,
                    null);
            case SignIn.SecondStep s -> new SignInAnswer(null, null, null, null, true, s.mfaToken());
            // Unknown user, wrong secret and locked account answer alike (ASVS 6.3.8).
            case SignIn.Refused r -> throw SignInService.refused();
            case SignIn.Expired e -> throw SignInService.expired(e);
        };
    }

    @PostMapping("/api/v1/auth/logout")
    public ResponseEntity<Void> logout(@AuthenticationPrincipal Caller caller, HttpServletRequest request) {
        signIn.signOut(caller, request);
        return ResponseEntity.noContent().build();
    }

    /** {@code impersonatedBy}: the platform operator, when this session is their impersonation of the user. */
    record Me(Map<String, Object> user, Map<String, Object> tenant, List<String> permissions, List<String> requiredActions,
            @Nullable Impersonator impersonatedBy, List<MyAccess.HeldPermission> grants,
            List<MyAccess.HeldLocation> locations) {}

    @GetMapping("/api/v1/me")
    public Me me(@AuthenticationPrincipal Caller caller) {
        // Until the required actions are done the caller may do nothing else, so they hold nothing to show.
        boolean pending = !caller.requiredActions().isEmpty();
        List<MyAccess.HeldPermission> grants = pending ? List.of() : mine.permissions(caller);
        return new Me(Map.of("id", caller.userId().toString(), "username", caller.username()),
                Map.of("id", caller.tenant().toString(), "slug", caller.tenantSlug()),
                grants.stream().map(MyAccess.HeldPermission::permission).toList(), caller.requiredActions(),
                caller.impersonatedBy(), grants, pending ? List.of() : mine.locations(caller));
    }

    @PostMapping("/api/v1/me/password")
    public ResponseEntity<Void> changePassword(@AuthenticationPrincipal Caller caller,
            @Valid @RequestBody PasswordChange change, HttpServletRequest request) {
        signIn.changePassword(caller, change.currentPassword(), change.newPassword(), request);
        return ResponseEntity.noContent().build();
    }
}
