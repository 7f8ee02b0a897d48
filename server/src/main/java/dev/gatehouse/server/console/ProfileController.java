package dev.gatehouse.server.console;

import dev.gatehouse.server.apikeys.ApiKeys;
import dev.gatehouse.server.authentication.MySecondFactor;
import dev.gatehouse.server.authentication.MyDevices;
import dev.gatehouse.server.authentication.MySessions;
import dev.gatehouse.server.authentication.Reauthentication;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The signed-in user's own account: password, second factor at a glance, and their sessions (end
 * one, end all others). Ending another session needs a recent re-authentication, as in the API;
 * the page then asks for the password or a code and the user repeats the action.
 */
@Controller
class ProfileController {

    static final String PROFILE = "/console/profile";
    static final String REAUTHENTICATE = PROFILE + "/reauthenticate";

    /** Where a re-authentication returns to: a fixed list, never a URL taken from the request. */
    private static final Map<String, String> BACK = Map.of("profile", PROFILE,
            "operator-access", OperatorAccessPageController.PATH,
            "second-factor", RequiredActionsRedirect.CONFIGURE_MFA);

    private static final Map<String, String> NOTICES = Map.of(
            "passwordChanged", "Your password is changed. Your other sessions have ended.",
            "sessionEnded", "The session has ended.",
            "othersEnded", "All your other sessions have ended.",
            "deviceForgotten", "The device is forgotten and its sessions have ended.",
            "confirmed", "Thank you. Repeat the action now; it will not ask again for a few minutes.");

    private final MySecondFactor factor;
    private final MySessions sessions;
    private final ApiKeys apiKeys;
    private final MyDevices devices;

    ProfileController(MySecondFactor factor, MySessions sessions, ApiKeys apiKeys, MyDevices devices) {
        this.devices = devices;
        this.factor = factor;
        this.sessions = sessions;
        this.apiKeys = apiKeys;
    }

    @GetMapping(PROFILE)
    String profile(@AuthenticationPrincipal Caller caller, HttpServletRequest request, Model model) {
        NOTICES.forEach((flag, text) -> {
            if (request.getParameter(flag) != null) {
                model.addAttribute("notice", text);
            }
        });
        String left = request.getParameter("left");
        if (left != null && !left.isBlank()) {
            model.addAttribute("notice", "You have left " + left.strip() + ". Its administrators can invite you again.");
        }
        return page(caller, model);
    }

    @PostMapping(PROFILE + "/sessions/{id}/end")
    String end(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, Model model, Origin origin,
            HttpServletRequest request, HttpServletResponse response) {
        try {
            sessions.end(caller, id, origin);
        } catch (Reauthentication.Required e) {
            return reauthenticate(caller, model);
        }
        if (id.equals(caller.sessionId())) {
            SessionCookie.clear(request, response);
            return "redirect:" + ConsoleSecurity.SIGN_IN + "?signedOut";
        }
        return "redirect:" + PROFILE + "?sessionEnded";
    }

    /** Forgets a known device and ends its sessions; forgetting this one signs out. */
    @PostMapping(PROFILE + "/devices/{id}/forget")
    String forget(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, Model model, Origin origin,
            HttpServletRequest request, HttpServletResponse response) {
        boolean thisDevice = devices.get(caller, id).thisDevice();
        try {
            devices.forget(caller, id, origin);
        } catch (Reauthentication.Required e) {
            return reauthenticate(caller, model);
        }
        if (thisDevice) {
            SessionCookie.clear(request, response);
            return "redirect:" + ConsoleSecurity.SIGN_IN + "?signedOut";
        }
        return "redirect:" + PROFILE + "?deviceForgotten";
    }

    @PostMapping(PROFILE + "/sessions/end-others")
    String endOthers(@AuthenticationPrincipal Caller caller, Model model, Origin origin) {
        try {
            sessions.endOthers(caller, origin);
        } catch (Reauthentication.Required e) {
            return reauthenticate(caller, model);
        }
        return "redirect:" + PROFILE + "?othersEnded";
    }

    /** Proves the password or a code again, then returns to the page that asked. */
    @PostMapping(REAUTHENTICATE)
    String reauthenticated(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String password,
            @RequestParam(required = false) @Nullable String code, @RequestParam(defaultValue = "profile") String back,
            Model model, HttpServletRequest request, HttpServletResponse response) {
        String target = BACK.getOrDefault(back, PROFILE);
        try {
            factor.reauthenticate(caller, password, code, request);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.FORBIDDEN) {
                throw e;
            }
            model.addAttribute("reauthenticate", true);
            model.addAttribute("back", back);
            model.addAttribute("errors", e.errors().isEmpty() ? FormErrors.summary(e.getMessage()) : FormErrors.of(e));
            response.setStatus(e.status().value());
            return back.equals("second-factor") ? SecondFactorController.page(factor, caller, model) : page(caller, model);
        }
        return "redirect:" + target + "?confirmed";
    }

    private String reauthenticate(Caller caller, Model model) {
        model.addAttribute("reauthenticate", true);
        model.addAttribute("back", "profile");
        return page(caller, model);
    }

    private String page(Caller caller, Model model) {
        model.addAttribute("factor", factor.status(caller));
        model.addAttribute("sessions", sessions.list(caller, 0, 50).items());
        model.addAttribute("devices", devices.list(caller, 0, 50).items());
        model.addAttribute("apiKeys", caller.isPlatformOperator() ? null
                : apiKeys.list(caller, caller.tenant(), caller.userId()));
        return "console/profile";
    }
}
