package dev.gatehouse.server.console;

import dev.gatehouse.server.authentication.SignInService;

import dev.gatehouse.server.authentication.SignIn;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;

/**
 * The console's answer to the outcome of a sign-in step, whichever way in it took (password,
 * identity provider, passkey — issue 15): a session sets the cookie and goes to the first pending
 * required action, the application's authorize request that sent the user here, or home; a second
 * step shows the second-factor page; a refusal shows the sign-in page with the one uniform message;
 * an ended account says so (only after the first step proved who is asking).
 */
public final class SignInPages {

    private SignInPages() {
    }

    /**
     * The view (or redirect) for {@code outcome}; {@code continueTo} is checked again here, and when
     * the form carried none, the one the sign-in page kept for this browser ({@link ContinueTo#keep})
     * continues, and is forgotten once a session is made.
     */
    public static String show(SignIn.Outcome outcome, @Nullable String continueTo, Model model,
            HttpServletRequest request, HttpServletResponse response) {
        String next = ContinueTo.orKept(continueTo, request);
        return switch (outcome) {
            case SignIn.Signed signed -> {
                SessionCookie.write(signed.token(), request, response);
                ContinueTo.forget(request, response);
                yield "redirect:" + ContinueTo.afterRequiredAction(signed.requiredActions(), next, HomeController.HOME);
            }
            case SignIn.SecondStep step -> {
                model.addAttribute("step", new SignInController.SecondStepForm(step.mfaToken(), null,
                        step.emailCodes(), next));
                yield "console/second-factor";
            }
            case SignIn.Refused refused -> refused(SignInController.REFUSED, next, model, response);
            case SignIn.Expired expired -> {
                signInPage(next, model);
                model.addAttribute("errors", FormErrors.summary(SignInController.accountExpired(expired)));
                response.setStatus(HttpStatus.FORBIDDEN.value());
                yield "console/sign-in";
            }
        };
    }

    /**
     * The sign-in page with {@code message} as its error (401): a refused sign-in, or an identity
     * provider's sign-in that could not complete (its message says what to do, never why in detail).
     */
    public static String refused(String message, @Nullable String continueTo, Model model,
            HttpServletResponse response) {
        signInPage(ContinueTo.safe(continueTo), model);
        model.addAttribute("errors", FormErrors.summary(message));
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        return "console/sign-in";
    }

    /**
     * A sign-in to a suspended organisation, by any means (password, single sign-on, passkey): 403 with
     * the words the API's refusal gives (issue 16), so its people know why and whom to ask.
     */
    public static String suspended(@Nullable String continueTo, Model model, HttpServletResponse response) {
        String page = refused(SignInService.suspended().getMessage(), continueTo, model, response);
        response.setStatus(HttpStatus.FORBIDDEN.value());
        return page;
    }

    /** Keeps what the form already holds (tenant, username) when the controller put it there. */
    private static void signInPage(@Nullable String continueTo, Model model) {
        if (!(model.getAttribute("form") instanceof SignInController.SignInForm)) {
            model.addAttribute("form", new SignInController.SignInForm(null, null, null, continueTo));
        }
    }
}
