package dev.gatehouse.server.mail;

import dev.gatehouse.server.shared.ApiException;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Sends a test message straight to the SMTP server configured now, not through the outbox, so the
 * operator sees at once whether it was taken and, if not, what the server said (its reply, never a
 * stack trace). Callers throttle it: each call opens a connection to the server.
 */
@Service
public class TestMail {

    /** Whether the server took the message; when not, {@code serverMessage} says why. */
    public record Result(boolean delivered, String recipient, @Nullable String serverMessage) {}

    static final String SUBJECT = "Gatehouse test message";
    private static final int MAX_MESSAGE = 500;

    private final MailTransport transport;

    TestMail(MailTransport transport) {
        this.transport = transport;
    }

    /**
     * Sends the test message to {@code recipient}.
     *
     * @throws ApiException 409 when no SMTP server is configured
     */
    public Result send(String recipient, String requestedBy) {
        if (!transport.configured()) {
            throw ApiException.conflict("no SMTP server is configured: set a host first");
        }
        try {
            transport.send(recipient, SUBJECT, """
                    Hello,

                    this is a test message from Gatehouse, sent at the request of %s to check the
                    platform's mail settings. If it reached you, invitations, reset links and alerts will too.
                    """.formatted(requestedBy.replaceAll("\\p{Cntrl}+", " ")));
            return new Result(true, recipient, null);
        } catch (Exception e) {
            return new Result(false, recipient, describe(e));
        }
    }

    /** The failure's messages, outermost first (the SMTP reply is usually among them); no stack trace. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                if (!text.isEmpty()) {
                    text.append(" <- ");
                }
                text.append(cause.getMessage().strip().replaceAll("\\s+", " "));
            }
        }
        if (text.isEmpty()) {
            text.append(e.getClass().getSimpleName());
        }
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text.toString();
    }
}
