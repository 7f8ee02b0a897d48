package dev.gatehouse.server.console;

import dev.gatehouse.server.authentication.MySecondFactor;
import dev.gatehouse.server.authentication.Reauthentication;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The user's own second factor through {@link MySecondFactor}, as the API: enrol a TOTP
 * authenticator (QR code and secret shown once), confirm it with a code (recovery codes shown
 * once), replace the recovery codes or remove the authenticator after re-authenticating. Also the
 * page a CONFIGURE_MFA required action leads to.
 */
@Controller
class SecondFactorController {

    private static final String PAGE = RequiredActionsRedirect.CONFIGURE_MFA;

    private final MySecondFactor factor;

    SecondFactorController(MySecondFactor factor) {
        this.factor = factor;
    }

    @GetMapping(PAGE)
    String status(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String confirmed,
            @RequestParam(required = false) @Nullable String removed,
            @RequestParam(required = false) @Nullable String continueTo, Model model) {
        model.addAttribute("continueTo", ContinueTo.safe(continueTo));
        if (confirmed != null) {
            model.addAttribute("notice", "Thank you. Repeat the action now; it will not ask again for a few minutes.");
        } else if (removed != null) {
            model.addAttribute("notice", "The authenticator is removed.");
        }
        return page(factor, caller, model);
    }

    /** Starts an enrolment: the secret appears on this page only, never again. */
    @PostMapping(PAGE + "/enrol")
    String enrol(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String continueTo, Model model, Origin origin) {
        model.addAttribute("continueTo", ContinueTo.safe(continueTo));
        model.addAttribute("enrolment", factor.enrol(caller, origin));
        return "console/second-factor-enrol";
    }

    @PostMapping(PAGE + "/confirm")
    String confirm(@AuthenticationPrincipal Caller caller, @RequestParam(defaultValue = "") String code,
            @RequestParam(required = false) @Nullable String continueTo, Model model, Origin origin,
            HttpServletResponse response) {
        model.addAttribute("continueTo", ContinueTo.safe(continueTo));
        List<String> codes;
        try {
            if (code.isBlank()) {
                throw ApiException.badRequest("code", "is required");
            }
            codes = factor.confirm(caller, code, origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            response.setStatus(e.status().value());
            return "console/second-factor-enrol";
        }
        // Once the codes are saved: the next required action, or back to the application that sent the user.
        List<String> remaining = new ArrayList<>(caller.requiredActions());
        remaining.remove("CONFIGURE_MFA");
        model.addAttribute("next", ContinueTo.afterRequiredAction(remaining, continueTo, HomeController.HOME));
        return recoveryCodes(codes, model);
    }

    @PostMapping(PAGE + "/recovery-codes")
    String regenerate(@AuthenticationPrincipal Caller caller, Model model, Origin origin,
            HttpServletResponse response) {
        try {
            return recoveryCodes(factor.regenerateRecoveryCodes(caller, origin), model);
        } catch (Reauthentication.Required e) {
            return reauthenticate(caller, model);
        }
    }

    @PostMapping(PAGE + "/remove")
    String remove(@AuthenticationPrincipal Caller caller, Model model, Origin origin,
            HttpServletResponse response) {
        try {
            factor.remove(caller, origin);
        } catch (Reauthentication.Required e) {
            return reauthenticate(caller, model);
        }
        return "redirect:" + PAGE + "?removed";
    }

    static String page(MySecondFactor factor, Caller caller, Model model) {
        model.addAttribute("factor", factor.status(caller));
        model.addAttribute("required", caller.requiredActions().contains("CONFIGURE_MFA"));
        return "console/second-factor-status";
    }

    private static String recoveryCodes(List<String> codes, Model model) {
        model.addAttribute("codes", codes);
        return "console/recovery-codes";
    }

    private String reauthenticate(Caller caller, Model model) {
        model.addAttribute("reauthenticate", true);
        model.addAttribute("back", "second-factor");
        return page(factor, caller, model);
    }
}
