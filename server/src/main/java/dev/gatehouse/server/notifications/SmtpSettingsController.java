package dev.gatehouse.server.notifications;

import dev.gatehouse.server.mail.SmtpEditor;
import dev.gatehouse.server.mail.TestMail;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The platform's SMTP settings over the API (an extension of docs/api.md): platform operators with platform.settings. */
@RestController
class SmtpSettingsController {

    static final String PATH = "/api/v1/platform/settings/smtp";

    private final PlatformMailSettings settings;

    SmtpSettingsController(PlatformMailSettings settings) {
        this.settings = settings;
    }

    @Operation(summary = "The SMTP server mail goes to", description = "Requires platform.settings. fromEnvironment names"
            + " the fields the environment (GATEHOUSE_SMTP_*) sets; they win over saved values and are locked."
            + " The password is never shown, only passwordSet.")
    @GetMapping(PATH)
    SmtpEditor.View get(@AuthenticationPrincipal Caller caller) {
        return settings.view(caller);
    }

    @Operation(summary = "Replaces the saved SMTP settings", description = "Requires platform.settings. Fields host,"
            + " port (1..65535), tls (NONE, STARTTLS, TLS), username, password (write-only: left out keeps it, null"
            + " removes it), from; a field left out or null is cleared. A field the environment sets may not be changed.")
    @PutMapping(PATH)
    SmtpEditor.View replace(@AuthenticationPrincipal Caller caller, @RequestBody JsonNode body, Origin origin) {
        return settings.replace(caller, body, origin);
    }

    @Operation(summary = "Sends a test message to the caller's own address", description = "Requires platform.settings."
            + " Throttled (429 with Retry-After). delivered false carries the server's answer in serverMessage.")
    @PostMapping(PATH + "/test")
    TestMail.Result test(@AuthenticationPrincipal Caller caller, Origin origin) {
        return settings.test(caller, origin);
    }
}
