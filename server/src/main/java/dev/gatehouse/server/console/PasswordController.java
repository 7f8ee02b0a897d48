package dev.gatehouse.server.console;

import dev.gatehouse.server.authentication.SignInService;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * Changing one's own password: from the profile, or forced (CHANGE_PASSWORD) after an admin set
 * it or it expired. The password policy, the proof of the current password (counted toward the
 * lockout) and ending the other sessions are the API's, through {@link SignInService}. Forced
 * during an application's sign-in, it then leads on to the next required action or back to it.
 */
@Controller
class PasswordController {

    /** {@code continueTo}: the application's authorize request to return to ({@link ContinueTo}). */
    record PasswordForm(@Nullable String currentPassword, @Nullable String newPassword,
            @Nullable String confirmPassword, @Nullable String continueTo) {}

    private final SignInService signIn;

    PasswordController(SignInService signIn) {
        this.signIn = signIn;
    }

    @GetMapping(RequiredActionsRedirect.CHANGE_PASSWORD)
    String form(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String continueTo, Model model) {
        model.addAttribute("forced", caller.requiredActions().contains("CHANGE_PASSWORD"));
        model.addAttribute("continueTo", ContinueTo.safe(continueTo));
        return "console/password";
    }

    @PostMapping(RequiredActionsRedirect.CHANGE_PASSWORD)
    String change(@AuthenticationPrincipal Caller caller, @ModelAttribute PasswordForm form, Model model,
            HttpServletRequest request, HttpServletResponse response) {
        model.addAttribute("forced", caller.requiredActions().contains("CHANGE_PASSWORD"));
        model.addAttribute("continueTo", ContinueTo.safe(form.continueTo()));
        List<FieldError> missing = new ArrayList<>();
        if (form.currentPassword() == null || form.currentPassword().isEmpty()) {
            missing.add(new FieldError("currentPassword", "is required"));
        }
        if (form.newPassword() == null || form.newPassword().isEmpty()) {
            missing.add(new FieldError("newPassword", "is required"));
        } else if (!Objects.equals(form.newPassword(), form.confirmPassword())) {
            missing.add(new FieldError("confirmPassword", "does not match the new password"));
        }
        if (!missing.isEmpty()) {
            model.addAttribute("errors", FormErrors.fields(missing));
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return "console/password";
        }
        try {
            signIn.changePassword(caller, form.currentPassword(), form.newPassword(), request);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            response.setStatus(e.status().value());
            return "console/password";
        }
        List<String> remaining = new ArrayList<>(caller.requiredActions());
        remaining.remove("CHANGE_PASSWORD");
        return "redirect:" + ContinueTo.afterRequiredAction(remaining, form.continueTo(),
                ProfileController.PROFILE + "?passwordChanged");
    }
}
