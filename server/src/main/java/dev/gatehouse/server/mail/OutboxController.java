package dev.gatehouse.server.mail;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
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

    private final OutboxReader reader;
    private final SmtpSettings smtp;
    private final Access access;
    private final AuditLog audit;

    private final Actors actors;

    OutboxController(OutboxReader reader, SmtpSettings smtp, Access access, AuditLog audit, Actors actors) {
        this.actors = actors;
        this.reader = reader;
        this.smtp = smtp;
        this.access = access;
        this.audit = audit;
    }

    @GetMapping("/api/v1/platform/outbox")
    Page<OutboxReader.Entry> list(@AuthenticationPrincipal Caller caller,
            @Parameter(description = "only this tenant's messages (slug or id)")
            @RequestParam(required = false) @Nullable @Size(max = 64) String tenant,
            @Parameter(description = "PENDING, SENT or FAILED")
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        requireOperator(caller);
        if (status != null && !OutboxReader.STATUSES.contains(status)) {
            throw ApiException.badRequest("status", "must be one of " + String.join(", ", OutboxReader.STATUSES));
        }
        return new Page<>(reader.page(tenant, status, page, size), page, size, reader.count(tenant, status));
    }

    @GetMapping("/api/v1/platform/outbox/{id}")
    @Transactional
    OutboxReader.Detail get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id, Origin origin) {
        requireOperator(caller);
        OutboxReader.Detail detail = reader.find(id).orElseThrow(() -> ApiException.notFound("message " + id));
        if (smtp.configured()) {
            return detail.withoutBody();
        }
        // The body may hold a live invitation or reset link: who read it is on record.
        audit.record(caller.tenant(), "OUTBOX_MESSAGE_READ", actors.actor(caller),
                new AuditLog.Target("mail", id.toString(), detail.recipient()), origin.ip(),
                origin.userAgent(), Map.of("tenant", detail.tenant(), "kind", detail.kind()));
        return detail;
    }

    private void requireOperator(Caller caller) {
        if (!caller.isPlatformOperator()) {
            throw ApiException.forbidden("only platform operators read the mail outbox");
        }
        access.require(caller, "outbox.read", null);
    }
}
