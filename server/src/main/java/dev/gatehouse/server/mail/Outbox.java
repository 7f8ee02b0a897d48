package dev.gatehouse.server.mail;

import dev.gatehouse.server.shared.TenantId;
import java.util.Objects;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Queues a message in the transaction of the change that causes it: the message exists if and
 * only if the change committed. Sending is the worker's business.
 */
@Component
public class Outbox {

    /** What a message is about, for operators reading the outbox and for templates. */
    public enum Kind {
        INVITATION,
        PASSWORD_RESET,
        ONE_TIME_CODE,
        ALERT,
        NOTICE
    }

    /** A message to one recipient; plain text. */
    public record Message(String recipient, String subject, String body, Kind kind) {
        public Message {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(kind, "kind");
        }
    }

    private final JdbcClient jdbc;

    Outbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues {@code message} in the current transaction; returns its id. */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID enqueue(TenantId tenant, Message message) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into mail_outbox (id, tenant_id, recipient, subject, body, kind)
                        values (:id, :tenant, :recipient, :subject, :body, :kind)
                        """)
                .param("id", id).param("tenant", tenant.value()).param("recipient", message.recipient())
                .param("subject", message.subject()).param("body", message.body()).param("kind", message.kind().name())
                .update();
        return id;
    }
}
