package dev.gatehouse.server.mail;

import dev.gatehouse.server.secrets.SecretBox;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The tests' reading of {@code mail_outbox}, whose bodies are sealed with the server's key: the
 * messages a condition matches, their bodies opened as the worker opens them. A body that was
 * dropped (sent) is null.
 */
public final class QueuedMail {

    /** One queued message; {@code body} opened, null once it was sent. */
    public record Message(UUID id, UUID tenant, String recipient, String subject, String kind,
            @Nullable String body, boolean sent) {
        /** The subject and the body, as a reader of the mail sees both. */
        public String text() {
            return subject + "\n" + body;
        }
    }

    private final JdbcClient jdbc;
    private final MailBodies bodies;

    private QueuedMail(JdbcClient jdbc, MailBodies bodies) {
        this.jdbc = jdbc;
        this.bodies = bodies;
    }

    /** The outbox of the application in {@code context}. */
    public static QueuedMail in(ApplicationContext context) {
        return new QueuedMail(context.getBean(JdbcClient.class), new MailBodies(context.getBean(SecretBox.class)));
    }

    /**
     * The messages for which {@code condition} (SQL over the table's columns, e.g. {@code tenant_id =
     * :tenant}) holds, oldest first.
     */
    public List<Message> where(String condition, Map<String, ?> parameters) {
        return jdbc.sql("""
                        select id, tenant_id, recipient, subject, kind, body_sealed, body, sent_at is not null as sent
                        from mail_outbox where %s
                        order by created_at, id
                        """.formatted(condition))
                .params(parameters)
                .query((rs, n) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    String recipient = rs.getString("recipient");
                    byte[] sealed = rs.getBytes("body_sealed");
                    return new Message(id, rs.getObject("tenant_id", UUID.class), recipient, rs.getString("subject"),
                            rs.getString("kind"), sealed == null ? rs.getString("body") : bodies.open(id, recipient, sealed),
                            rs.getBoolean("sent"));
                })
                .list();
    }

    /** The bodies of {@link #where}'s messages, oldest first. */
    public List<String> bodies(String condition, Map<String, ?> parameters) {
        List<String> found = new ArrayList<>();
        for (Message message : where(condition, parameters)) {
            found.add(message.body());
        }
        return found;
    }

    /**
     * Every column of the message's row as the database holds it, bytes read as UTF-8: what a copy of
     * the database shows of it.
     */
    public List<String> rawColumns(UUID id) {
        Map<String, Object> row = jdbc.sql("select * from mail_outbox where id = :id").param("id", id)
                .query().singleRow();
        List<String> columns = new ArrayList<>();
        row.forEach((name, value) -> columns.add(name + "=" + (value instanceof byte[] bytes
                ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value))));
        return columns;
    }
}
