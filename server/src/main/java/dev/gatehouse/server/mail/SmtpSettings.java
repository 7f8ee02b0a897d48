package dev.gatehouse.server.mail;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The SMTP server: each value from the environment when it is set there ({@code GATEHOUSE_SMTP_HOST},
 * {@code _PORT}, {@code _USERNAME}, {@code _PASSWORD}, {@code _FROM}, {@code _STARTTLS}; Spring binds
 * them as {@code gatehouse.smtp.*}), else as operators saved it in the console ({@link SmtpStore}),
 * else its default. Without a host nothing is sent and operators read the outbox instead.
 *
 * <p>The saved values are read again at most {@value #CACHE_SECONDS} seconds after they were last
 * read, so every node picks up a change without a restart; the node that saved it at once.
 */
@Component
public class SmtpSettings {

    static final int DEFAULT_PORT = 587;
    static final String DEFAULT_FROM = "gatehouse@localhost";
    static final int CACHE_SECONDS = 5;

    /** How the connection is secured: none, upgraded with STARTTLS (required, never optional), or TLS from the start. */
    public enum Tls { NONE, STARTTLS, TLS }

    /** The server mail goes to now, every value resolved. */
    public record Server(String host, int port, Tls tls, @Nullable String username, @Nullable String password,
            String from) {}

    /** The environment's values; null where unset. */
    record Environment(@Nullable String host, @Nullable Integer port, @Nullable Tls tls, @Nullable String username,
            @Nullable String password, @Nullable String from) {

        /** The API's names of the fields the environment sets: the console shows them locked. */
        List<String> fields() {
            List<String> set = new ArrayList<>();
            if (host != null) {
                set.add("host");
            }
            if (port != null) {
                set.add("port");
            }
            if (tls != null) {
                set.add("tls");
            }
            if (username != null) {
                set.add("username");
            }
            if (password != null) {
                set.add("password");
            }
            if (from != null) {
                set.add("from");
            }
            return List.copyOf(set);
        }
    }

    private final Environment environment;
    private final SmtpStore store;
    private final Cache<String, SmtpStore.Saved> saved = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(CACHE_SECONDS)).maximumSize(1).build();

    SmtpSettings(@Value("${gatehouse.smtp.host:}") String host, @Value("${gatehouse.smtp.port:}") String port,
            @Value("${gatehouse.smtp.username:}") String username, @Value("${gatehouse.smtp.password:}") String password,
            @Value("${gatehouse.smtp.from:}") String from, @Value("${gatehouse.smtp.starttls:}") String startTls,
            SmtpStore store) {
        this.environment = new Environment(blankToNull(host), port.isBlank() ? null : Integer.valueOf(port.strip()),
                startTls.isBlank() ? null : Boolean.parseBoolean(startTls.strip()) ? Tls.STARTTLS : Tls.NONE,
                blankToNull(username), password.isEmpty() ? null : password, blankToNull(from));
        this.store = store;
    }

    /** The server mail goes to now; empty when no host is set anywhere. */
    public Optional<Server> current() {
        return resolve(environment, saved.get("row", key -> store.read()));
    }

    public boolean configured() {
        return current().isPresent();
    }

    Environment environment() {
        return environment;
    }

    SmtpStore.Saved saved() {
        return saved.get("row", key -> store.read());
    }

    /** Forgets the saved values read, after this node changed them. */
    void changed() {
        saved.invalidateAll();
    }

    /** Each value from the environment when set there, else saved, else its default; empty without a host. */
    static Optional<Server> resolve(Environment environment, SmtpStore.Saved saved) {
        String host = first(environment.host(), saved.host());
        if (host == null) {
            return Optional.empty();
        }
        Integer port = first(environment.port(), saved.port());
        Tls tls = first(environment.tls(), saved.tls());
        String from = first(environment.from(), saved.from());
        return Optional.of(new Server(host, port == null ? DEFAULT_PORT : port, tls == null ? Tls.STARTTLS : tls,
                first(environment.username(), saved.username()), first(environment.password(), saved.password()),
                from == null ? DEFAULT_FROM : from));
    }

    private static <T> @Nullable T first(@Nullable T environment, @Nullable T saved) {
        return environment != null ? environment : saved;
    }

    private static @Nullable String blankToNull(String text) {
        return text.isBlank() ? null : text.strip();
    }
}
