package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.users.PasswordRecovery;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * "Forgot your password?" through {@link PasswordRecovery}, as {@code POST /api/v1/auth/password/forgot}:
 * the answer is the same whether or not an account matched, so the page tells nobody which exist.
 */
@Controller
class ForgotPasswordPageController {

    static final String PAGE = "/console/forgot-password";

    static final String SENT = "If an active account with an e-mail address matches, a link to choose a new password"
            + " is on its way. It works once and expires soon.";

    record ForgotForm(@Nullable String tenant, @Nullable String username) {}

    private final PasswordRecovery forgotPassword;

    ForgotPasswordPageController(PasswordRecovery forgotPassword) {
        this.forgotPassword = forgotPassword;
    }

    @GetMapping(PAGE)
    String form(Model model) {
        model.addAttribute("form", new ForgotForm(null, null));
        return "console/forgot-password";
    }

    @PostMapping(PAGE)
    String request(@ModelAttribute("form") ForgotForm form, Model model, Origin origin, HttpServletRequest request,
            HttpServletResponse response) {
        List<FieldError> missing = new ArrayList<>();
        if (form.tenant() == null || form.tenant().isBlank()) {
            missing.add(new FieldError("tenant", "is required"));
        }
        if (form.username() == null || form.username().isBlank()) {
            missing.add(new FieldError("username", "is required"));
        }
        if (!missing.isEmpty()) {
            model.addAttribute("errors", FormErrors.fields(missing));
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return "console/forgot-password";
        }
        try {
            forgotPassword.request(form.tenant().strip().toLowerCase(java.util.Locale.ROOT), form.username(),
                    origin);
        } catch (TooManyRequests e) {
            return ThrottledPages.show(e, "console/forgot-password", model, response);
        }
        model.addAttribute("notice", SENT);
        return "console/forgot-password";
    }
}
