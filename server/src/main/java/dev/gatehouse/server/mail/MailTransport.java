package dev.gatehouse.server.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/** Hands one message to the configured SMTP server; throws when the server does not take it. */
@Component
class MailTransport {

    /** Bounded so that a hung server delays a batch by seconds, not forever. */
    private static final String TIMEOUT_MILLIS = "10000";

    private final SmtpSettings settings;
    private final JavaMailSenderImpl sender;

    MailTransport(SmtpSettings settings) {
        this.settings = settings;
        this.sender = new JavaMailSenderImpl();
        if (settings.configured()) {
            sender.setHost(settings.host());
            sender.setPort(settings.port());
            sender.setUsername(settings.username());
            sender.setPassword(settings.password());
            sender.setDefaultEncoding("UTF-8");
            Properties properties = sender.getJavaMailProperties();
            properties.setProperty("mail.smtp.auth", Boolean.toString(settings.username() != null));
            // With STARTTLS on, a server that does not offer it is refused rather than used in clear text.
            properties.setProperty("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
            properties.setProperty("mail.smtp.starttls.required", Boolean.toString(settings.startTls()));
            properties.setProperty("mail.smtp.connectiontimeout", TIMEOUT_MILLIS);
            properties.setProperty("mail.smtp.timeout", TIMEOUT_MILLIS);
            properties.setProperty("mail.smtp.writetimeout", TIMEOUT_MILLIS);
        }
    }

    boolean configured() {
        return settings.configured();
    }

    void send(String recipient, String subject, String body) throws MessagingException, MailException {
        MimeMessage message = sender.createMimeMessage();
        MimeMessageHelper helper = new MimeMessageHelper(message, false, "UTF-8");
        helper.setFrom(settings.from());
        helper.setTo(recipient);
        helper.setSubject(subject);
        helper.setText(body, false);
        sender.send(message);
    }
}
