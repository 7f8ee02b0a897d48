package dev.gatehouse.server.console;

import dev.gatehouse.server.authentication.SignIn;
import dev.gatehouse.server.authentication.SignInService;
import dev.gatehouse.server.identityproviders.Discovery;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.TooManyRequests;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Signing in to the console: tenant, username and password, then the second factor when the
 * account has one, through the same {@link SignInService} as the API (same lockout, audit events
 * and uniform refusal). A success sets the session cookie and goes to the first pending required
 * action, or home.
 */
@Controller
class SignInController {

    static final String SIGN_OUT = "/console/sign-out";

    /**
     * The only answer to a refused sign-in, whatever the reason (unknown tenant or user, wrong
     * password, locked, disabled, not yet activated, outside the allowed networks): telling them
     * apart would tell a stranger which accounts exist.
     */
    static final String REFUSED = "Sign-in failed: the tenant, username or password is not right, or the account cannot"
            + " sign in right now. After repeated failures an account is locked for a while; if this persists, ask"
            + " your administrator.";

    static final String CODE_REFUSED = "That code did not work. Enter the current code from your authenticator app or"
            + " one of your recovery codes; if the sign-in has expired, start again.";

    static final String EMAIL_CODES_OFF = "E-mailed codes are not available for this account. Use your authenticator"
            + " app or a recovery code.";

    /** Notices after a redirect, by query flag; the flag carries no detail about the account. */
    private static final Map<String, String> NOTICES = Map.of(
            "ended", "Your session has ended. Sign in again to continue.",
            "signedOut", "You are signed out.",
            "activated", "Your account is ready. Sign in with your new password.",
            "passwordReset", "Your password is set. Sign in with it; your other sessions have ended.");

    record SignInForm(@Nullable String tenant, @Nullable String username, @Nullable String password,
            @Nullable String continueTo) {}

    static final String CODE_SENT = "A code is on its way to your e-mail address. Enter it below; it works once and expires"
            + " after a few minutes.";

    static final String STEP_EXPIRED = "This sign-in has expired. Start again.";

    /** Issue 13: said only after the password was right, so it tells a stranger nothing. */
    static String accountExpired(SignIn.Expired expired) {
        return "Your account expired on " + expired.expiredAt().atOffset(java.time.ZoneOffset.UTC).toLocalDate()
                + " (UTC) and can no longer sign in. Ask an administrator of your organisation to extend it.";
    }

    /**
     * The challenge token, the code, and whether to offer an e-mailed code (only a button: the service
     * decides); a form without {@code emailCodes} offers none, rather than failing to bind (a 500).
     */
    record SecondStepForm(@Nullable String mfaToken, @Nullable String code, @Nullable Boolean emailCodes,
            @Nullable String continueTo) {

        SecondStepForm {
            emailCodes = Boolean.TRUE.equals(emailCodes);
        }
    }

    private final SignInService signIn;
    private final Discovery discovery;
    private final List<SignOutElsewhere> elsewhere;

    SignInController(SignInService signIn, Discovery discovery, List<SignOutElsewhere> elsewhere) {
        this.signIn = signIn;
        this.discovery = discovery;
        this.elsewhere = List.copyOf(elsewhere);
    }

    @GetMapping(ConsoleSecurity.SIGN_IN)
    String form(@RequestParam(required = false) @Nullable String tenant,
            @RequestParam(required = false) @Nullable String continueTo, HttpServletRequest request,
            HttpServletResponse response, Model model) {
        model.addAttribute("form", new SignInForm(tenant, null, null, ContinueTo.safe(continueTo)));
        ContinueTo.keep(continueTo, request, response);
        // Issue 15: a tenant with a browser identity provider asks for the e-mail first (EmailFirstSignIn).
        model.addAttribute("emailFirst", tenant != null && request.getParameter("password") == null
                && discovery.asksEmailFirst(tenant));
        NOTICES.forEach((flag, text) -> {
            if (request.getParameter(flag) != null) {
                model.addAttribute("notice", text);
            }
        });
        return "console/sign-in";
    }

    @PostMapping(ConsoleSecurity.SIGN_IN)
    String signIn(@ModelAttribute("form") SignInForm form, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        List<FieldError> missing = new ArrayList<>();
        required(missing, "tenant", form.tenant());
        required(missing, "username", form.username());
        required(missing, "password", form.password());
        if (!missing.isEmpty()) {
            model.addAttribute("errors", FormErrors.fields(missing));
            return "console/sign-in";
        }
        SignIn.Outcome outcome;
        try {
            outcome = signIn.password(form.tenant(), form.username(), form.password(), request);
        } catch (TooManyRequests e) {
            model.addAttribute("form", new SignInForm(form.tenant(), form.username(), null,
                    ContinueTo.safe(form.continueTo())));
            return ThrottledPages.show(e, "console/sign-in", model, response);
        } catch (ApiException e) {
            if (e.title().equals(SignInService.SUSPENDED)) {
                model.addAttribute("form", new SignInForm(form.tenant(), form.username(), null,
                        ContinueTo.safe(form.continueTo())));
                return SignInPages.suspended(form.continueTo(), model, response);
            }
            if (e.status() != HttpStatus.UNAUTHORIZED) {
                throw e;
            }
            outcome = new SignIn.Refused();
        }
        // The form keeps the tenant and username (never the password) on the page a refusal shows.
        model.addAttribute("form", new SignInForm(form.tenant(), form.username(), null,
                ContinueTo.safe(form.continueTo())));
        return SignInPages.show(outcome, form.continueTo(), model, request, response);
    }

    /** The second step; the challenge token travels in the form's body, never in a URL. */
    @PostMapping(ConsoleSecurity.SIGN_IN + "/second-factor")
    String secondFactor(@ModelAttribute("step") SecondStepForm step, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        if (step.mfaToken() == null || step.mfaToken().isBlank()) {
            return "redirect:" + ConsoleSecurity.SIGN_IN;
        }
        if (step.code() == null || step.code().isBlank()) {
            model.addAttribute("errors", FormErrors.fields(List.of(new FieldError("code", "is required"))));
            return "console/second-factor";
        }
        SignIn.Outcome outcome;
        try {
            outcome = signIn.secondFactor(step.mfaToken(), step.code(), request);
        } catch (TooManyRequests e) {
            model.addAttribute("step", new SecondStepForm(step.mfaToken(), null, step.emailCodes(),
                ContinueTo.safe(step.continueTo())));
            return ThrottledPages.show(e, "console/second-factor", model, response);
        }
        if (outcome instanceof SignIn.Signed || outcome instanceof SignIn.Expired) {
            return SignInPages.show(outcome, step.continueTo(), model, request, response);
        }
        model.addAttribute("step", new SecondStepForm(step.mfaToken(), null, step.emailCodes(),
                ContinueTo.safe(step.continueTo())));
        model.addAttribute("errors", FormErrors.fields(List.of(new FieldError("code", CODE_REFUSED))));
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        return "console/second-factor";
    }

    /**
     * "E-mail me a code" on the second step, through the API's {@link SignInService#emailCode}, and
     * answering what its 202, 400 and 401 answer: sent, not available for this account, or expired.
     */
    @PostMapping(ConsoleSecurity.SIGN_IN + "/second-factor/email")
    String emailCode(@ModelAttribute("step") SecondStepForm step, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        if (step.mfaToken() == null || step.mfaToken().isBlank()) {
            return "redirect:" + ConsoleSecurity.SIGN_IN;
        }
        model.addAttribute("step", new SecondStepForm(step.mfaToken(), null, step.emailCodes(),
                ContinueTo.safe(step.continueTo())));
        try {
            signIn.emailCode(step.mfaToken(), request);
        } catch (TooManyRequests e) {
            return ThrottledPages.show(e, "console/second-factor", model, response);
        } catch (ApiException e) {
            if (e.status() == HttpStatus.BAD_REQUEST) {
                model.addAttribute("step", new SecondStepForm(step.mfaToken(), null, false,
                        ContinueTo.safe(step.continueTo())));
                model.addAttribute("errors", FormErrors.summary(EMAIL_CODES_OFF));
                response.setStatus(e.status().value());
                return "console/second-factor";
            }
            if (e.status() != HttpStatus.UNAUTHORIZED) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.summary(STEP_EXPIRED));
            response.setStatus(e.status().value());
            return "console/second-factor";
        }
        model.addAttribute("notice", CODE_SENT);
        return "console/second-factor";
    }

    @PostMapping(SIGN_OUT)
    String signOut(@AuthenticationPrincipal Caller caller, HttpServletRequest request, HttpServletResponse response) {
        signIn.signOut(caller, request);
        SessionCookie.clear(request, response);
        MembershipPagesController.clearHome(request, response);
        for (SignOutElsewhere other : elsewhere) {
            String next = other.afterSignOut(caller.tenant(), request, response);
            if (next != null && next.startsWith("/") && !next.startsWith("//")) {
                return "redirect:" + next;
            }
        }
        return "redirect:" + ConsoleSecurity.SIGN_IN + "?signedOut";
    }

    private static void required(List<FieldError> errors, String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
        }
    }
}
