package dev.gatehouse.server.mail;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The outbox, for platform operators ({@code outbox.read}): what was queued, for whom, and whether
 * it went. Without an SMTP server this is how invitations and reset links reach people, so the
 * message itself is shown then, and each such reading is audited; once a server delivers mail the
 * links belong to their recipients alone and the body is no longer shown.
 */
@RestController
class OutboxController {

    private final OutboxDesk desk;

    OutboxController(OutboxDesk desk) {
        this.desk = desk;
    }

    @GetMapping("/api/v1/platform/outbox")
    Page<OutboxReader.Entry> list(@AuthenticationPrincipal Caller caller,
            @Parameter(description = "only this tenant's messages (slug or id)")
            @RequestParam(required = false) @Nullable @Size(max = 64) String tenant,
            @Parameter(description = "PENDING, SENT or FAILED")
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        return desk.list(caller, tenant, status, page, size);
    }

    @GetMapping("/api/v1/platform/outbox/{id}")
    OutboxReader.Detail get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, Origin origin) {
        return desk.get(caller, id, origin);
    }

    @Operation(summary = "Tries a failed message again", description = "Requires outbox.read (platform operators)."
            + " The message is due at once with its attempts counted afresh; 409 when it did not fail.")
    @PostMapping("/api/v1/platform/outbox/{id}/retry")
    OutboxReader.Detail retry(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, Origin origin) {
        return desk.retry(caller, id, origin);
    }
}
