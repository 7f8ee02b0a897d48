package dev.gatehouse.server.passkeys;

import dev.gatehouse.server.authentication.SignIn;
import dev.gatehouse.server.authentication.SignInService;
import dev.gatehouse.server.console.ConsolePage;
import dev.gatehouse.server.console.SignInPages;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Problems;
import dev.gatehouse.server.shared.TooManyRequests;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The console's passkeys (issue 15): the profile's list (add with a name, rename, remove), "Sign in
 * with a passkey" on the sign-in page and "Use a passkey" on the second-factor page. The browser's
 * ceremony is {@code console/assets/passkeys.js}: it fetches the options from here (a same-origin
 * POST carrying the form's CSRF token) and sends the form with the credential it made.
 */
@Controller
class PasskeyPages implements ConsolePage {

    /** Under the second-factor page, so a user asked to set up a second factor (CONFIGURE_MFA) may come here. */
    static final String PAGE = "/console/profile/second-factor/passkeys";

    private static final Map<String, String> NOTICES = Map.of("added", "The passkey is added.", "renamed",
            "The passkey is renamed.", "removed", "The passkey is removed.");

    private final Passkeys passkeys;
    private final PasskeySignIn signIn;

    PasskeyPages(Passkeys passkeys, PasskeySignIn signIn) {
        this.passkeys = passkeys;
        this.signIn = signIn;
    }

    @GetMapping(PAGE)
    String page(@AuthenticationPrincipal Caller caller, HttpServletRequest request, Model model) {
        NOTICES.forEach((flag, text) -> {
            if (request.getParameter(flag) != null) {
                model.addAttribute("notice", text);
            }
        });
        return page(caller, model, null);
    }

    @PostMapping(path = PAGE + "/options", produces = "application/json")
    @ResponseBody
    ResponseEntity<?> registrationOptions(@AuthenticationPrincipal Caller caller, HttpServletRequest request) {
        try {
            return ResponseEntity.ok(passkeys.options(caller));
        } catch (ApiException e) {
            return problem(e, request);
        }
    }

    @PostMapping(PAGE)
    String register(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String name,
            @RequestParam(required = false) @Nullable String challengeId,
            @RequestParam(required = false) @Nullable String credential, Origin origin, Model model,
            HttpServletResponse response) {
        try {
            passkeys.register(caller, name, challengeId, credential, origin);
        } catch (ApiException e) {
            response.setStatus(e.status().value());
            return page(caller, model, message(e));
        }
        return "redirect:" + PAGE + "?added";
    }

    @PostMapping(PAGE + "/{id}/rename")
    String rename(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String name, Origin origin, Model model,
            HttpServletResponse response) {
        try {
            passkeys.rename(caller, id(id), name, origin);
        } catch (ApiException e) {
            response.setStatus(e.status().value());
            return page(caller, model, message(e));
        }
        return "redirect:" + PAGE + "?renamed";
    }

    @PostMapping(PAGE + "/{id}/remove")
    String remove(@AuthenticationPrincipal Caller caller, @PathVariable String id, Origin origin, Model model,
            HttpServletResponse response) {
        try {
            passkeys.remove(caller, id(id), origin);
        } catch (ApiException e) {
            response.setStatus(e.status().value());
            return page(caller, model, message(e));
        }
        return "redirect:" + PAGE + "?removed";
    }

    @PostMapping(path = "/console/sign-in/passkey/options", produces = "application/json")
    @ResponseBody
    ResponseEntity<?> signInOptions(@RequestParam(required = false) @Nullable String tenant,
            @RequestParam(required = false) @Nullable String username, Origin origin, HttpServletRequest request) {
        try {
            if (tenant == null || tenant.isBlank() || tenant.length() > 64) {
                throw ApiException.badRequest("tenant", "enter your organisation first");
            }
            return ResponseEntity.ok(signIn.options(tenant, username, origin));
        } catch (TooManyRequests e) {
            return throttled(e, request);
        } catch (ApiException e) {
            return problem(e.status().value() == 401 ? new ApiException(e.status(), e.title(),
                    "Passkey sign-in is not available for this organisation.", java.util.List.of()) : e, request);
        }
    }

    @PostMapping("/console/sign-in/passkey")
    String signIn(@RequestParam(required = false) @Nullable String tenant,
            @RequestParam(required = false) @Nullable String challengeId,
            @RequestParam(required = false) @Nullable String credential,
            @RequestParam(required = false) @Nullable String continueTo, Origin origin, Model model,
            HttpServletRequest request, HttpServletResponse response) {
        SignIn.Outcome outcome;
        try {
            outcome = tenant == null || tenant.isBlank() ? new SignIn.Refused()
                    : signIn.signIn(tenant, challengeId, credential, request, origin);
        } catch (ApiException e) {
            if (e.title().equals(SignInService.SUSPENDED)) {
                return SignInPages.suspended(continueTo, model, response);
            }
            outcome = new SignIn.Refused();
        }
        return SignInPages.show(outcome, continueTo, model, request, response);
    }

    @PostMapping(path = "/console/sign-in/second-factor/passkey/options", produces = "application/json")
    @ResponseBody
    ResponseEntity<?> secondFactorOptions(@RequestParam(required = false) @Nullable String mfaToken, Origin origin,
            HttpServletRequest request) {
        try {
            if (mfaToken == null || mfaToken.isBlank() || mfaToken.length() > 128) {
                throw ApiException.badRequest("mfaToken", "start again");
            }
            return ResponseEntity.ok(signIn.secondFactorOptions(mfaToken, origin));
        } catch (TooManyRequests e) {
            return throttled(e, request);
        } catch (ApiException e) {
            return problem(e, request);
        }
    }

    @PostMapping("/console/sign-in/second-factor/passkey")
    String secondFactor(@RequestParam(required = false) @Nullable String mfaToken,
            @RequestParam(required = false) @Nullable String challengeId,
            @RequestParam(required = false) @Nullable String credential,
            @RequestParam(required = false) @Nullable String continueTo, Origin origin, Model model,
            HttpServletRequest request, HttpServletResponse response) {
        SignIn.Outcome outcome;
        try {
            outcome = mfaToken == null || mfaToken.isBlank() ? new SignIn.Refused()
                    : signIn.secondFactor(mfaToken, challengeId, credential, request, origin);
        } catch (ApiException e) {
            outcome = new SignIn.Refused();
        }
        return SignInPages.show(outcome, continueTo, model, request, response);
    }

    private String page(Caller caller, Model model, @Nullable String problem) {
        model.addAttribute("passkeys", passkeys.mine(caller));
        model.addAttribute("problem", problem);
        return "console/passkeys";
    }

    private static String message(ApiException e) {
        if (e instanceof dev.gatehouse.server.authentication.Reauthentication.Required) {
            return "For this change, your sign-in must be recent: sign out, sign in again and retry.";
        }
        return e.errors().isEmpty() ? e.getMessage() : e.errors().getFirst().field() + ": " + e.errors().getFirst().message();
    }

    private static ResponseEntity<ProblemDetail> problem(ApiException e, HttpServletRequest request) {
        ApiException shown = e instanceof dev.gatehouse.server.authentication.Reauthentication.Required
                ? new ApiException(e.status(), e.title(), message(e), java.util.List.of()) : e;
        return Problems.problem(shown.status(), shown.title(), shown.errors().isEmpty() ? shown.getMessage()
                : message(shown), shown.errors(), request);
    }

    /** A refused attempt: 429 with the wait in Retry-After, and a message the page's script shows. */
    private static ResponseEntity<ProblemDetail> throttled(TooManyRequests e, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> problem = problem(new ApiException(e.status(), "Too many requests",
                "Too many attempts. Wait a minute and try again.", java.util.List.of()), request);
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .header("Retry-After", Long.toString(e.retryAfterSeconds())).body(problem.getBody());
    }

    private static UUID id(String id) {
        return Ids.parse(id).orElseThrow(() -> ApiException.notFound("passkey " + id));
    }
}
