package dev.gatehouse.server.notifications;

import dev.gatehouse.server.console.ConsolePage;
import dev.gatehouse.server.mail.OutboxDesk;
import dev.gatehouse.server.mail.OutboxReader;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import jakarta.servlet.http.HttpServletResponse;
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
 * Platform › Outbox (issue 16): the mail queued for every tenant, filtered by status and tenant, a
 * message's details, and "try again" for a failed one, through the same service as
 * {@code /api/v1/platform/outbox}: a body (which may hold a live link) is shown only while no SMTP
 * server is configured, and each such reading is audited, exactly as over the API.
 */
@Controller
class OutboxPage implements ConsolePage {

    static final String PAGE = "/console/outbox";
    static final int PAGE_SIZE = 50;

    private final OutboxDesk desk;

    OutboxPage(OutboxDesk desk) {
        this.desk = desk;
    }

    @GetMapping(PAGE)
    String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String tenant, @RequestParam(defaultValue = "0") int page,
            Model model, HttpServletResponse response) {
        String chosenStatus = status == null || status.isBlank() ? null : status;
        String chosenTenant = tenant == null || tenant.isBlank() ? null : tenant.strip();
        Page<OutboxReader.Entry> messages;
        try {
            messages = desk.list(caller, chosenTenant, chosenStatus, Math.max(0, page), PAGE_SIZE);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            response.setStatus(e.status().value());
            model.addAttribute("summary", "The status " + e.errors().getFirst().message() + ".");
            messages = new Page<>(java.util.List.of(), 0, PAGE_SIZE, 0);
        }
        model.addAttribute("messages", messages);
        model.addAttribute("hasNext", (long) (messages.page() + 1) * PAGE_SIZE < messages.total());
        model.addAttribute("status", chosenStatus == null ? "" : chosenStatus);
        model.addAttribute("tenant", chosenTenant == null ? "" : chosenTenant);
        model.addAttribute("statuses", OutboxReader.STATUSES);
        model.addAttribute("bodiesShown", desk.bodiesShown());
        return "console/outbox/list";
    }

    @GetMapping(PAGE + "/{id}")
    String detail(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, Origin origin,
            @RequestParam(required = false) @Nullable String retried, Model model) {
        model.addAttribute("message", desk.get(caller, id, origin));
        if (retried != null) {
            model.addAttribute("notice", "The message is queued again and will be sent within seconds.");
        }
        return "console/outbox/detail";
    }

    @PostMapping(PAGE + "/{id}/retry")
    String retry(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, Origin origin) {
        desk.retry(caller, id, origin);
        return "redirect:" + PAGE + "/" + id + "?retried";
    }
}
