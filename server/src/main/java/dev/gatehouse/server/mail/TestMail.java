package dev.gatehouse.server.mail;

import dev.gatehouse.server.shared.ApiException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Sends a test message straight to the SMTP server configured now, not through the outbox, so the
 * operator sees at once whether it was taken. Callers throttle it: each call opens a connection.
 *
 * <p>A test mail must not be a port scanner (issue 16): the relay passes the address rules first
 * ({@link dev.gatehouse.server.outbound.MailRelays}), and a failure says one thing whatever happened — a
 * closed port, a filtered one, a banner from something that is not a mail server, a refused sign-in — and
 * is answered no sooner than a connection timeout would be, so neither the words nor the time tell
 * closed from filtered. What the server said goes to the log only.
 */
@Service
public class TestMail {

    /** Whether the server took the message; when not, {@code serverMessage} says so in fixed words. */
    public record Result(boolean delivered, String recipient, @Nullable String serverMessage) {}

    static final String SUBJECT = "Gatehouse test message";
    static final String NOT_DELIVERED = "The test message was not delivered: the server could not be reached, or it"
            + " did not accept the connection, the sign-in or the message. Check the host, port, TLS and credentials;"
            + " the server's own answer is in Gatehouse's log.";

    private static final Logger log = LoggerFactory.getLogger(TestMail.class);

    private final MailTransport transport;
    private final Duration failureTime;

    TestMail(MailTransport transport,
            @Value("${gatehouse.smtp.test-failure-time:PT10S}") Duration failureTime) {
        this.transport = transport;
        this.failureTime = failureTime;
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
        long started = System.nanoTime();
        try {
            transport.send(recipient, SUBJECT, """
                    Hello,

                    this is a test message from Gatehouse, sent at the request of %s to check the
                    platform's mail settings. If it reached you, invitations, reset links and alerts will too.
                    """.formatted(requestedBy.replaceAll("\\p{Cntrl}+", " ")));
            return new Result(true, recipient, null);
        } catch (MailTransport.RelayRefused refused) {
            // Refused before any connection: the operator's own host against the rules, no probe made.
            return new Result(false, recipient, refused.getMessage());
        } catch (Exception e) {
            log.info("Test mail not delivered: {}", e.toString());
            waitOut(started);
            return new Result(false, recipient, NOT_DELIVERED);
        }
    }

    /** A fast refusal (closed port) is answered as late as a timeout (filtered port) would be. */
    private void waitOut(long started) {
        long left = failureTime.toNanos() - (System.nanoTime() - started);
        if (left > 0) {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
