package dev.gatehouse.server.notifications;

import dev.gatehouse.server.console.ConsolePage;
import dev.gatehouse.server.mail.SmtpEditor;
import dev.gatehouse.server.mail.SmtpSettings;
import dev.gatehouse.server.mail.TestMail;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TooManyRequests;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Platform › Notifications (seed 001, "Admin → System → Notifications"): the SMTP server, values the
 * environment sets shown locked, the password write-only, and a "send a test mail" button whose
 * answer (delivered, or the server's refusal) is shown on the page. Saves go through the same
 * service as {@code PUT /api/v1/platform/settings/smtp}, so the form's field errors are the API's.
 */
@Controller
class NotificationsPage implements ConsolePage {

    static final String PAGE = "/console/notifications";

    private final PlatformMailSettings settings;

    NotificationsPage(PlatformMailSettings settings) {
        this.settings = settings;
    }

    @GetMapping(PAGE)
    String page(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String saved,
            Model model) {
        if (saved != null) {
            model.addAttribute("notice", "The mail settings are saved. They apply to the next message on every node.");
        }
        return page(caller, model, Map.of(), null);
    }

    @PostMapping(PAGE)
    String save(@AuthenticationPrincipal Caller caller, @RequestParam Map<String, String> form, Origin origin,
            Model model, HttpServletResponse response) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        for (String field : new String[] {"host", "username", "from"}) {
            String value = form.get(field);
            if (value != null && !value.isBlank()) {
                body.put(field, value.strip());
            }
        }
        String port = form.get("port");
        if (port != null && !port.isBlank()) {
            try {
                body.put("port", Integer.parseInt(port.strip()));
            } catch (NumberFormatException e) {
                body.put("port", port.strip());
            }
        }
        if (form.get("tls") != null) {
            body.put("tls", form.get("tls"));
        }
        if (form.containsKey("removePassword")) {
            body.putNull("password");
        } else if (form.get("password") != null && !form.get("password").isEmpty()) {
            body.put("password", form.get("password"));
        }
        try {
            settings.replace(caller, body, origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            response.setStatus(e.status().value());
            Map<String, String> problems = new LinkedHashMap<>();
            for (FieldError error : e.errors()) {
                problems.merge(error.field(), error.message(), (a, b) -> a + "; " + b);
            }
            Map<String, String> kept = new LinkedHashMap<>(form);
            kept.remove("password");
            model.addAttribute("form", kept);
            return page(caller, model, problems, e.errors().isEmpty() ? e.getMessage() : "Please correct the fields"
                    + " marked below; nothing was saved.");
        }
        return "redirect:" + PAGE + "?saved";
    }

    @PostMapping(PAGE + "/test")
    String test(@AuthenticationPrincipal Caller caller, Origin origin, Model model, HttpServletResponse response) {
        try {
            TestMail.Result result = settings.test(caller, origin);
            model.addAttribute("testResult", result);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.TOO_MANY_REQUESTS && e.status() != HttpStatus.CONFLICT) {
                throw e;
            }
            response.setStatus(e.status().value());
            if (e instanceof TooManyRequests refused) {
                response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
            }
            return page(caller, model, Map.of(), e.getMessage());
        }
        return page(caller, model, Map.of(), null);
    }

    private String page(Caller caller, Model model, Map<String, String> problems, @Nullable String summary) {
        SmtpEditor.View view = settings.view(caller);
        model.addAttribute("smtp", view);
        model.addAttribute("problems", problems);
        model.addAttribute("summary", summary);
        model.addAttribute("tlsModes", SmtpSettings.Tls.values());
        model.addAttribute("variables", SmtpEditor.VARIABLES);
        try {
            model.addAttribute("ownAddress", settings.ownAddress(caller));
        } catch (ApiException noAddress) {
            model.addAttribute("ownAddress", null);
        }
        if (!model.containsAttribute("form")) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("host", view.host() == null ? "" : view.host());
            form.put("port", Integer.toString(view.port()));
            form.put("tls", view.tls().name());
            form.put("username", view.username() == null ? "" : view.username());
            form.put("from", view.from());
            model.addAttribute("form", form);
        }
        return "console/notifications/smtp";
    }
}
