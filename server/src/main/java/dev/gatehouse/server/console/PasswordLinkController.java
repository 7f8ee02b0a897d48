package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.users.TokenAcceptance;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The landing pages of the one-use links mailed by Gatehouse: accepting an invitation and resetting
 * a password, both by choosing a password ({@link TokenAcceptance}, as {@code POST /api/v1/auth/tokens/accept}).
 * The token arrives in the link's query once; the page moves it into the form's body, so it is in
 * no later URL, and every console page sends {@code Referrer-Policy: no-referrer}.
 */
@Controller
class PasswordLinkController {

    static final String INVITATION = "/console/invitation";
    static final String RESET = "/console/reset-password";

    record ChoiceForm(@Nullable String token, @Nullable String newPassword, @Nullable String confirmPassword) {}

    private final TokenAcceptance acceptance;

    PasswordLinkController(TokenAcceptance acceptance) {
        this.acceptance = acceptance;
    }

    @GetMapping(INVITATION)
    String invitation(@RequestParam(defaultValue = "") String token, Model model) {
        return form(true, token, model);
    }

    @GetMapping(RESET)
    String reset(@RequestParam(defaultValue = "") String token, Model model) {
        return form(false, token, model);
    }

    @PostMapping(INVITATION)
    String accept(@ModelAttribute ChoiceForm form, Model model, Origin origin, HttpServletResponse response) {
        return choose(true, form, model, origin, response);
    }

    @PostMapping(RESET)
    String chooseNew(@ModelAttribute ChoiceForm form, Model model, Origin origin,
            HttpServletResponse response) {
        return choose(false, form, model, origin, response);
    }

    private static String form(boolean invitation, String token, Model model) {
        model.addAttribute("invitation", invitation);
        model.addAttribute("token", token);
        return "console/choose-password";
    }

    private String choose(boolean invitation, ChoiceForm form, Model model, Origin origin,
            HttpServletResponse response) {
        String token = form.token() == null ? "" : form.token().strip();
        form(invitation, token, model);
        try {
            if (form.newPassword() == null || form.newPassword().isEmpty()) {
                throw ApiException.badRequest("newPassword", "is required");
            }
            if (!Objects.equals(form.newPassword(), form.confirmPassword())) {
                throw ApiException.badRequest(List.of(new FieldError("confirmPassword", "does not match the new password")));
            }
            acceptance.accept(token, form.newPassword(),
                    origin);
        } catch (TooManyRequests e) {
            return ThrottledPages.show(e, "console/choose-password", model, response);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            response.setStatus(e.status().value());
            return "console/choose-password";
        }
        return "redirect:" + ConsoleSecurity.SIGN_IN + (invitation ? "?activated" : "?passwordReset");
    }
}
