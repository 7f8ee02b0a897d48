package dev.gatehouse.server.mail;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The SMTP server, from the environment ({@code GATEHOUSE_SMTP_HOST}, {@code _PORT},
 * {@code _USERNAME}, {@code _PASSWORD}, {@code _FROM}, {@code _STARTTLS}; Spring binds them as
 * {@code gatehouse.smtp.*}). Without a host nothing is sent and operators read the outbox instead.
 */
@Component
class SmtpSettings {

    private final @Nullable String host;
    private final int port;
    private final @Nullable String username;
    private final @Nullable String password;
    private final String from;
    private final boolean startTls;

    SmtpSettings(@Value("${gatehouse.smtp.host:}") String host, @Value("${gatehouse.smtp.port:587}") int port,
            @Value("${gatehouse.smtp.username:}") String username, @Value("${gatehouse.smtp.password:}") String password,
            @Value("${gatehouse.smtp.from:gatehouse@localhost}") String from,
            @Value("${gatehouse.smtp.starttls:true}") boolean startTls) {
        this.host = blankToNull(host);
        this.port = port;
        this.username = blankToNull(username);
        this.password = password.isEmpty() ? null : password;
        this.from = from.strip();
        this.startTls = startTls;
    }

    boolean configured() {
        return host != null;
    }

    @Nullable String host() {
        return host;
    }

    int port() {
        return port;
    }

    @Nullable String username() {
        return username;
    }

    @Nullable String password() {
        return password;
    }

    String from() {
        return from;
    }

    boolean startTls() {
        return startTls;
    }

    private static @Nullable String blankToNull(String text) {
        return text.isBlank() ? null : text.strip();
    }
}
