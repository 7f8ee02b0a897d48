package dev.gatehouse.server.mail;

import dev.gatehouse.server.outbound.MailRelays;
import dev.gatehouse.server.outbound.PinnedSockets;
import dev.gatehouse.server.outbound.RefusedDestination;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/**
 * Hands one message to the SMTP server configured now ({@link SmtpSettings#current}); throws when
 * the server does not take it. The sender is made again whenever the settings change, so a change
 * an operator saves applies from the next message on, on every node.
 */
@Component
class MailTransport {

    /** Bounded so that a hung server delays a batch by seconds, not forever. */
    private static final String TIMEOUT_MILLIS = "10000";

    /** A sender, the settings it was made with, and the checked address it connects to (null: the deployer's host). */
    private record Made(SmtpSettings.Server server, @Nullable InetAddress pinned, JavaMailSenderImpl sender) {}

    private final SmtpSettings settings;
    private final AtomicReference<Made> made = new AtomicReference<>();

    private final MailRelays relays;

    MailTransport(SmtpSettings settings, MailRelays relays) {
        this.settings = settings;
        this.relays = relays;
    }

    boolean configured() {
        return settings.configured();
    }

    /**
     * Sends through the server configured now.
     *
     * @throws IllegalStateException when no SMTP server is configured
     */
    void send(String recipient, String subject, String body) throws MessagingException, MailException {
        SmtpSettings.Server server = settings.current()
                .orElseThrow(() -> new IllegalStateException("no SMTP server is configured"));
        PinnedSockets pinned = null;
        if (settings.environment().host() == null) {
            // An operator typed this host (issue 16): the address rules again before each connection, since
            // its DNS answer may have changed since it was saved, and the connection goes to the address
            // checked now, not to a second answer. The environment's host is the deployer's.
            try {
                pinned = new PinnedSockets(relays.check(server.host(), server.port()));
            } catch (RefusedDestination refused) {
                throw new RelayRefused(refused.reason());
            }
        }
        InetAddress address = pinned == null ? null : pinned.address();
        Made current = made.get();
        if (current == null || !current.server().equals(server) || !Objects.equals(current.pinned(), address)) {
            current = new Made(server, address, sender(server, pinned));
            made.set(current);
        }
        MimeMessage message = current.sender().createMimeMessage();
        MimeMessageHelper helper = new MimeMessageHelper(message, false, "UTF-8");
        helper.setFrom(server.from());
        helper.setTo(recipient);
        helper.setSubject(subject);
        helper.setText(body, false);
        current.sender().send(message);
    }

    /** The saved relay no longer passes the address rules; nothing was sent, no connection opened. */
    static final class RelayRefused extends MessagingException {
        RelayRefused(String reason) {
            super("the SMTP host is refused by the address rules: " + reason);
        }
    }

    private static JavaMailSenderImpl sender(SmtpSettings.Server server, @Nullable PinnedSockets pinned) {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost(server.host());
        sender.setPort(server.port());
        if (server.username() != null) {
            // A password without a user name is never offered: the server would be asked to authenticate nobody.
            sender.setUsername(server.username());
            sender.setPassword(server.password());
        }
        sender.setDefaultEncoding("UTF-8");
        Properties properties = sender.getJavaMailProperties();
        properties.setProperty("mail.smtp.auth", Boolean.toString(server.username() != null));
        boolean startTls = server.tls() == SmtpSettings.Tls.STARTTLS;
        // With STARTTLS on, a server that does not offer it is refused rather than used in clear text.
        properties.setProperty("mail.smtp.starttls.enable", Boolean.toString(startTls));
        properties.setProperty("mail.smtp.starttls.required", Boolean.toString(startTls));
        if (server.tls() == SmtpSettings.Tls.TLS) {
            properties.setProperty("mail.smtp.ssl.enable", "true");
        }
        if (server.tls() != SmtpSettings.Tls.NONE) {
            properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        }
        if (pinned != null) {
            // Jakarta Mail takes a factory instance from its properties; over implicit TLS it layers TLS,
            // with the host name, on the factory's plain socket.
            properties.put(server.tls() == SmtpSettings.Tls.TLS ? "mail.smtp.ssl.socketFactory" : "mail.smtp.socketFactory",
                    pinned);
        }
        properties.setProperty("mail.smtp.connectiontimeout", TIMEOUT_MILLIS);
        properties.setProperty("mail.smtp.timeout", TIMEOUT_MILLIS);
        properties.setProperty("mail.smtp.writetimeout", TIMEOUT_MILLIS);
        return sender;
    }
}
