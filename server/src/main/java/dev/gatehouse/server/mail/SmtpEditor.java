package dev.gatehouse.server.mail;

import dev.gatehouse.server.outbound.MailRelays;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;

/**
 * The platform's SMTP settings as operators read and change them (seed 001, "Admin → System →
 * Notifications"). A value the environment sets is shown and locked: saving another one is refused
 * naming the variable to change instead. The password is write-only: the view says whether one is
 * set, never what it is, and the trail records that it changed, never its value.
 */
@Service
public class SmtpEditor {

    /**
     * The settings in force. {@code fromEnvironment} names the fields the environment sets (locked
     * here); {@code configured} is whether mail is sent at all (a host is set somewhere).
     */
    public record View(@Nullable String host, int port, SmtpSettings.Tls tls, @Nullable String username,
            boolean passwordSet, String from, List<String> fromEnvironment, boolean configured) {}

    static final Set<String> FIELDS = Set.of("host", "port", "tls", "username", "password", "from");
    public static final Map<String, String> VARIABLES = Map.of("host", "GATEHOUSE_SMTP_HOST", "port", "GATEHOUSE_SMTP_PORT",
            "tls", "GATEHOUSE_SMTP_STARTTLS", "username", "GATEHOUSE_SMTP_USERNAME", "password",
            "GATEHOUSE_SMTP_PASSWORD", "from", "GATEHOUSE_SMTP_FROM");
    private static final Pattern HOST = Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+]");
    static final int MAX_TEXT = 320;
    static final int MAX_PASSWORD = 1000;

    private final SmtpSettings settings;
    private final SmtpStore store;
    private final AuditLog audit;

    private final MailRelays relays;

    SmtpEditor(SmtpSettings settings, SmtpStore store, AuditLog audit, MailRelays relays) {
        this.relays = relays;
        this.settings = settings;
        this.store = store;
        this.audit = audit;
    }

    public View view() {
        return view(settings.saved());
    }

    private View view(SmtpStore.Saved saved) {
        SmtpSettings.Environment environment = settings.environment();
        SmtpSettings.Server server = SmtpSettings.resolve(environment, saved).orElse(null);
        String from = environment.from() != null ? environment.from() : saved.from();
        Integer port = environment.port() != null ? environment.port() : saved.port();
        SmtpSettings.Tls tls = environment.tls() != null ? environment.tls() : saved.tls();
        return new View(server == null ? saved.host() : server.host(), port == null ? SmtpSettings.DEFAULT_PORT : port,
                tls == null ? SmtpSettings.Tls.STARTTLS : tls,
                environment.username() != null ? environment.username() : saved.username(),
                environment.password() != null || saved.password() != null,
                from == null ? SmtpSettings.DEFAULT_FROM : from, environment.fields(), server != null);
    }

    /**
     * Replaces the saved values with {@code body}'s: a field left out or null is cleared (it falls
     * back to its default), except {@code password}, which is kept when left out and cleared only
     * by an explicit null. Recorded as {@code PLATFORM_SMTP_SETTINGS_CHANGED} in {@code trail} in the
     * same transaction.
     *
     * @throws ApiException 400 naming each field that is wrong, unknown, or set by the environment
     */
    @Transactional
    public View replace(JsonNode body, TenantId trail, AuditLog.Actor actor, Origin origin) {
        if (!body.isObject()) {
            throw ApiException.badRequest("body", "must be an object with host, port, tls, username, password, from");
        }
        List<FieldError> errors = new ArrayList<>();
        for (String name : body.propertyNames()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "is not a field; the fields are from, host, password, port, tls,"
                        + " username"));
            }
        }
        SmtpSettings.Environment environment = settings.environment();
        String host = text(body, "host", MAX_TEXT, errors);
        if (host != null && !HOST.matcher(host).matches()) {
            errors.add(new FieldError("host", "must be a host name or an IP address, without scheme or port"));
        }
        Integer port = port(body, errors);
        SmtpSettings.Tls tls = tls(body, errors);
        String username = text(body, "username", MAX_TEXT, errors);
        boolean passwordChanged = body.has("password");
        String password = passwordChanged ? password(body, errors) : null;
        String from = text(body, "from", MAX_TEXT, errors);
        if (from != null) {
            try {
                new InternetAddress(from, true).validate();
            } catch (AddressException e) {
                errors.add(new FieldError("from", "must be an e-mail address such as gatehouse@example.org"));
            }
        }
        if (host != null && environment.host() == null && HOST.matcher(host).matches()) {
            int effectivePort = environment.port() != null ? environment.port()
                    : port != null ? port : SmtpSettings.DEFAULT_PORT;
            relays.problem(host, effectivePort).ifPresent(problem -> errors.add(new FieldError("host", problem
                    + "; an internal relay must be allowed by the operator in GATEHOUSE_SMTP_ALLOW")));
        }
        locked("host", host, environment.host(), errors);
        locked("port", port, environment.port(), errors);
        locked("tls", tls, environment.tls(), errors);
        locked("username", username, environment.username(), errors);
        locked("from", from, environment.from(), errors);
        if (passwordChanged && environment.password() != null) {
            errors.add(new FieldError("password", "is set by the environment (GATEHOUSE_SMTP_PASSWORD); change it"
                    + " there"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        store.lock();
        View before = view(store.read());
        store.write(new SmtpStore.Change(environment.host() == null ? host : null,
                environment.port() == null ? port : null, environment.tls() == null ? tls : null,
                environment.username() == null ? username : null, passwordChanged, password,
                environment.from() == null ? from : null));
        View after = view(store.read());
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                settings.changed();
            }
        });
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("before", audited(before));
        details.put("after", audited(after));
        details.put("passwordChanged", passwordChanged);
        audit.record(trail, "PLATFORM_SMTP_SETTINGS_CHANGED", actor, new AuditLog.Target("platform-settings", "smtp",
                null), origin.ip(), origin.userAgent(), details);
        return after;
    }

    /** What the trail keeps of a view: everything but the password, which it only says is set. */
    private static Map<String, Object> audited(View view) {
        Map<String, Object> audited = new LinkedHashMap<>();
        audited.put("host", view.host() == null ? "" : view.host());
        audited.put("port", view.port());
        audited.put("tls", view.tls().name());
        audited.put("username", view.username() == null ? "" : view.username());
        audited.put("passwordSet", view.passwordSet());
        audited.put("from", view.from());
        return audited;
    }

    /** A value the environment sets may be sent back as it is (a form echoing the view), never changed. */
    private static void locked(String field, @Nullable Object given, @Nullable Object environment,
            List<FieldError> errors) {
        if (environment != null && given != null && !Objects.equals(given, environment)) {
            errors.add(new FieldError(field, "is set by the environment (" + VARIABLES.get(field) + "); change it"
                    + " there"));
        }
    }

    private static @Nullable String text(JsonNode body, String field, int max, List<FieldError> errors) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            errors.add(new FieldError(field, "must be text or null"));
            return null;
        }
        String text = node.asString().strip();
        if (text.length() > max || text.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must be at most " + max + " characters on one line"));
            return null;
        }
        return text.isEmpty() ? null : text;
    }

    private static @Nullable String password(JsonNode body, List<FieldError> errors) {
        JsonNode node = body.path("password");
        if (node.isNull()) {
            return null;
        }
        if (!node.isString() || node.asString().isEmpty() || node.asString().length() > MAX_PASSWORD) {
            errors.add(new FieldError("password", "must be 1 to " + MAX_PASSWORD + " characters, or null to remove it"));
            return null;
        }
        return node.asString();
    }

    private static @Nullable Integer port(JsonNode body, List<FieldError> errors) {
        JsonNode node = body.path("port");
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1 || node.intValue() > 65535) {
            errors.add(new FieldError("port", "must be a whole number from 1 to 65535"));
            return null;
        }
        return node.intValue();
    }

    private static SmtpSettings.@Nullable Tls tls(JsonNode body, List<FieldError> errors) {
        JsonNode node = body.path("tls");
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        try {
            return SmtpSettings.Tls.valueOf(node.isString() ? node.asString().strip().toUpperCase(Locale.ROOT) : "");
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("tls", "must be NONE, STARTTLS or TLS"));
            return null;
        }
    }
}
