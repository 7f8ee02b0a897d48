package dev.gatehouse.server.mail;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The outbox as platform operators ({@code outbox.read}) read and act on it, over the API and in the
 * console alike, so the two cannot disagree: what was queued, for whom, and whether it went. Without
 * an SMTP server this is how invitations and reset links reach people, so the message itself is shown
 * then, and each such reading is audited; once a server delivers mail the links belong to their
 * recipients alone and the body is no longer shown. A sent message's body is not kept at all, and one
 * that does not open with this server's key is not shown either: the answer's {@code bodyNote} says
 * why. A failed message may be tried again.
 */
@Service
public class OutboxDesk {

    static final String PERMISSION = "outbox.read";
    static final String DELIVERED = "A mail server delivers the messages: their text, which may hold a personal"
            + " link, is for the recipient alone.";

    private final OutboxReader reader;
    private final SmtpSettings smtp;
    private final Access access;
    private final AuditLog audit;
    private final Actors actors;
    private final JdbcClient jdbc;

    OutboxDesk(OutboxReader reader, SmtpSettings smtp, Access access, AuditLog audit, Actors actors, JdbcClient jdbc) {
        this.reader = reader;
        this.smtp = smtp;
        this.access = access;
        this.audit = audit;
        this.actors = actors;
        this.jdbc = jdbc;
    }

    /**
     * @throws ApiException 400 naming {@code status} when it is not PENDING, SENT or FAILED
     */
    public Page<OutboxReader.Entry> list(Caller caller, @Nullable String tenant, @Nullable String status, int page,
            int size) {
        requireOperator(caller);
        if (status != null && !OutboxReader.STATUSES.contains(status)) {
            throw ApiException.badRequest("status", "must be one of " + String.join(", ", OutboxReader.STATUSES));
        }
        return new Page<>(reader.page(tenant, status, page, size), page, size, reader.count(tenant, status));
    }

    /** One message; its body only while no SMTP server is configured, and each reading of one is audited. */
    @Transactional
    public OutboxReader.Detail get(Caller caller, UUID id, Origin origin) {
        requireOperator(caller);
        if (smtp.configured()) {
            return reader.find(id).orElseThrow(() -> ApiException.notFound("message " + id)).withoutBody(DELIVERED);
        }
        OutboxReader.Detail detail = reader.read(id).orElseThrow(() -> ApiException.notFound("message " + id));
        if (detail.body() == null) {
            return detail;
        }
        // The body may hold a live invitation or reset link: who read it is on record.
        audit.record(caller.tenant(), "OUTBOX_MESSAGE_READ", actors.actor(caller),
                new AuditLog.Target("mail", id.toString(), detail.recipient()), origin.ip(),
                origin.userAgent(), Map.of("tenant", detail.tenant(), "kind", detail.kind()));
        return detail;
    }

    /**
     * Queues a failed message again, due now with its attempts counted afresh; recorded as
     * {@code OUTBOX_MESSAGE_RETRIED}. A message that is not failed is left alone.
     *
     * @throws ApiException 404 for an unknown message, 409 when it did not fail
     */
    @Transactional
    public OutboxReader.Detail retry(Caller caller, UUID id, Origin origin) {
        requireOperator(caller);
        OutboxReader.Detail detail = reader.find(id).orElseThrow(() -> ApiException.notFound("message " + id));
        int retried = jdbc.sql("""
                        update mail_outbox set failed_at = null, attempts = 0, next_attempt_at = now(), last_error = null
                        where id = :id and sent_at is null and failed_at is not null
                        """)
                .param("id", id).update();
        if (retried == 0) {
            throw ApiException.conflict("message " + id + " is " + detail.status() + "; only a FAILED message is retried");
        }
        audit.record(caller.tenant(), "OUTBOX_MESSAGE_RETRIED", actors.actor(caller),
                new AuditLog.Target("mail", id.toString(), detail.recipient()), origin.ip(), origin.userAgent(),
                Map.of("tenant", detail.tenant(), "kind", detail.kind(), "lastError", String.valueOf(detail.lastError())));
        return reader.find(id).orElseThrow();
    }

    /** Whether message bodies are shown at all: only while no SMTP server delivers them. */
    public boolean bodiesShown() {
        return !smtp.configured();
    }

    private void requireOperator(Caller caller) {
        if (!caller.isPlatformOperator()) {
            throw ApiException.forbidden("only platform operators read the mail outbox");
        }
        access.require(caller, PERMISSION, null);
    }
}
