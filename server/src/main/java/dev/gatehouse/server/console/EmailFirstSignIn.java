package dev.gatehouse.server.console;

import dev.gatehouse.server.identityproviders.Discovery;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TooManyRequests;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The sign-in page's e-mail-first step (issue 15): tenant and e-mail address (or username) go to
 * home-realm discovery, which sends the browser to the identity provider claiming the address's
 * domain, or back to the sign-in page for the password. Discovery answers by domain alone, so this
 * step tells nothing about accounts. The organisation may be left out when a domain mapping routes the
 * address (issue 16): the password form then comes back with the mapping's tenant filled in.
 */
@Controller
class EmailFirstSignIn {

    static final String DISCOVER = ConsoleSecurity.SIGN_IN + "/discover";

    private final Discovery discovery;

    EmailFirstSignIn(Discovery discovery) {
        this.discovery = discovery;
    }

    @PostMapping(DISCOVER)
    String discover(@ModelAttribute("form") SignInController.SignInForm form, Model model, Origin origin,
            HttpServletResponse response) {
        List<FieldError> missing = new ArrayList<>();
        if (form.username() == null || form.username().isBlank()) {
            missing.add(new FieldError("username", "is required"));
        }
        SignInController.SignInForm kept = new SignInController.SignInForm(form.tenant(), form.username(), null,
                ContinueTo.safe(form.continueTo()));
        model.addAttribute("form", kept);
        if (!missing.isEmpty()) {
            model.addAttribute("emailFirst", true);
            model.addAttribute("errors", FormErrors.fields(missing));
            response.setStatus(400);
            return "console/sign-in";
        }
        Discovery.Answer answer;
        try {
            answer = discovery.discover(form.tenant(), form.username(), origin);
        } catch (TooManyRequests e) {
            model.addAttribute("emailFirst", true);
            return ThrottledPages.show(e, "console/sign-in", model, response);
        }
        if (answer.tenant() == null && (form.tenant() == null || form.tenant().isBlank())) {
            // No tenant named and no domain mapping for the address: the person must say where they belong.
            model.addAttribute("emailFirst", true);
            model.addAttribute("errors", FormErrors.fields(List.of(new FieldError("tenant",
                    "is required: no organisation signs in addresses of this domain by itself"))));
            response.setStatus(400);
            return "console/sign-in";
        }
        if (answer.provider() != null) {
            String continueTo = kept.continueTo();
            return "redirect:" + answer.provider().loginUrl() + (continueTo == null ? ""
                    : "?continueTo=" + URLEncoder.encode(continueTo, StandardCharsets.UTF_8));
        }
        if (answer.tenant() != null) {
            model.addAttribute("form", new SignInController.SignInForm(answer.tenant(), kept.username(), null,
                    kept.continueTo()));
        }
        model.addAttribute("emailFirst", false);
        model.addAttribute("notice", "Enter your password to sign in.");
        return "console/sign-in";
    }
}
