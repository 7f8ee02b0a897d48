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
 * only if the change committed. Sending is the worker's business. The body is written sealed with
 * the server's key ({@link MailBodies}) and dropped once the message is sent: a live invitation or
 * reset link is never in the table in clear.
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
    private final MailBodies bodies;

    Outbox(JdbcClient jdbc, MailBodies bodies) {
        this.jdbc = jdbc;
        this.bodies = bodies;
    }

    /**
     * One message's row, ready to be written: by {@link Outbox#enqueue} in a statement of its own, or (issue 17)
     * as a data-modifying part of another feature's statement, {@link #insertFrom}, so that a change
     * and its mail take one round trip. The SQL stays this package's (docs/style.md rule 16): a caller
     * composes the text it is given and binds it with {@link #bind}, whose parameters are named
     * {@code mail…}. Made by {@link Outbox#queued}, which seals the body: the row never holds it in clear.
     */
    public static final class Queued {

        private final UUID id;
        private final TenantId tenant;
        private final Message message;
        private final byte[] sealedBody;

        private Queued(UUID id, TenantId tenant, Message message, byte[] sealedBody) {
            this.id = id;
            this.tenant = tenant;
            this.message = message;
            this.sealedBody = sealedBody;
        }

        public UUID id() {
            return id;
        }

        /**
         * The insert, once for each row of {@code source} (a name the caller's statement defines): none
         * when the change it belongs to wrote nothing.
         */
        public String insertFrom(String source) {
            return INSERT + " from " + source;
        }

        public JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
            return statement.param("mailId", id).param("mailTenant", tenant.value())
                    .param("mailRecipient", message.recipient()).param("mailSubject", message.subject())
                    .param("mailBody", sealedBody).param("mailKind", message.kind().name());
        }
    }

    private static final String INSERT = """
            insert into mail_outbox (id, tenant_id, recipient, subject, body_sealed, kind)
            select :mailId, :mailTenant, :mailRecipient, :mailSubject, :mailBody, :mailKind""";

    /** {@code message}'s row for {@code tenant}, its body sealed ({@link MailBodies}), to be written by the caller. */
    public Queued queued(TenantId tenant, Message message) {
        UUID id = UUID.randomUUID();
        return new Queued(id, tenant, message, bodies.seal(id, message.recipient(), message.body()));
    }

    /** Queues {@code message} in the current transaction; returns its id. */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID enqueue(TenantId tenant, Message message) {
        return enqueue(queued(tenant, message));
    }

    /** Queues a row made by {@link #queued} in the current transaction; returns its id. */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID enqueue(Queued queued) {
        queued.bind(jdbc.sql(INSERT)).update();
        return queued.id();
    }
}
