package dev.gatehouse.server.mail;

import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The messages Gatehouse sends: plain text, signed with the tenant's name so the recipient knows
 * who it is from, each saying what its link or code is for and when it stops working. They never
 * carry more than the one secret they exist to deliver.
 */
@Component
public class MailTemplates {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final TenantDirectory tenants;

    MailTemplates(TenantDirectory tenants) {
        this.tenants = tenants;
    }

    /** An admin invited {@code username}; the link sets their password and activates the account. */
    public Outbox.Message invitation(TenantId tenant, String recipient, String username, String link,
            Instant expiresAt) {
        return invitation(tenant, null, recipient, username, link, expiresAt);
    }

    /** {@link #invitation} with the tenant's name when the caller read it already (null: read here). */
    public Outbox.Message invitation(TenantId tenant, @Nullable String tenantName, String recipient, String username,
            String link, Instant expiresAt) {
        String name = tenantName == null ? tenantName(tenant) : oneLine(tenantName);
        return new Outbox.Message(recipient, "You are invited to " + name, """
                Hello,

                you have been invited to %s as %s.

                Choose your password here to activate your account:
                %s

                The link works once and until %s. If it has expired, ask your administrator for a new one.
                If you did not expect this invitation, ignore this message.

                -- %s
                """.formatted(name, username, link, WHEN.format(expiresAt), name), Outbox.Kind.INVITATION);
    }

    /** An administrator reset {@code username}'s password. */
    public Outbox.Message passwordReset(TenantId tenant, String recipient, String username, String link,
            Instant expiresAt) {
        String name = tenantName(tenant);
        return new Outbox.Message(recipient, "Set a new password for " + name, """
                Hello,

                an administrator of %s reset the password of your account %s. You have been signed out everywhere.

                Choose a new password here:
                %s

                The link works once and until %s.

                -- %s
                """.formatted(name, username, link, WHEN.format(expiresAt), name), Outbox.Kind.PASSWORD_RESET);
    }

    /** Someone asked for a reset of {@code username}'s password by name or address; it may not have been them. */
    public Outbox.Message forgotPassword(TenantId tenant, String recipient, String username, String link,
            Instant expiresAt) {
        String name = tenantName(tenant);
        return new Outbox.Message(recipient, "Reset your password for " + name, """
                Hello,

                someone asked to reset the password of your account %s at %s.

                If it was you, choose a new password here:
                %s

                The link works once and until %s. If it was not you, ignore this message: your password
                stays as it is.

                -- %s
                """.formatted(username, name, link, WHEN.format(expiresAt), name), Outbox.Kind.PASSWORD_RESET);
    }

    /** A one-time sign-in code (a second factor sent by e-mail). */
    public Outbox.Message oneTimeCode(TenantId tenant, String recipient, String code, Instant expiresAt) {
        String name = tenantName(tenant);
        return new Outbox.Message(recipient, "Your " + name + " sign-in code", """
                Hello,

                your sign-in code for %s is:

                    %s

                It works once and until %s. Never tell it to anyone; nobody from %s will ask for it.
                If you are not signing in right now, change your password.

                -- %s
                """.formatted(name, code, WHEN.format(expiresAt), name, name), Outbox.Kind.ONE_TIME_CODE);
    }

    /** A security alert about the recipient's account, such as a lockout or a new second factor. */
    public Outbox.Message alert(TenantId tenant, String recipient, String about, String text) {
        String name = tenantName(tenant);
        return new Outbox.Message(recipient, name + ": " + oneLine(about), """
                Hello,

                %s

                If this was not you, tell your administrator at once.

                -- %s
                """.formatted(text.strip(), name), Outbox.Kind.ALERT);
    }

    /**
     * An audit alert for the tenant's admins: what happened, when, who, from which address, and a
     * link to the activity log around it. It names accounts and addresses, never a secret.
     */
    public Outbox.Message auditAlert(TenantId tenant, String recipient, String what, Instant when, String who,
            @Nullable String ip, String activityLink) {
        String name = tenantName(tenant);
        return new Outbox.Message(recipient, name + " alert: " + oneLine(what), """
                Hello,

                an alert rule of %s fired.

                What: %s
                When: %s
                Who:  %s
                From: %s

                The activity log around it:
                %s

                You receive this because you administer the security settings of %s; the alert rules
                are at GET /api/v1/tenants/<tenant>/alerts.

                -- %s
                """.formatted(name, oneLine(what), WHEN.format(when), oneLine(who), ip == null ? "unknown address"
                        : oneLine(ip), activityLink, name, name), Outbox.Kind.ALERT);
    }

    /** Issue 13: someone asks for a role for a while; the recipient may decide it (never the requester). */
    public Outbox.Message elevationRequested(TenantId tenant, String recipient, String requester, String role,
            @Nullable String location, int minutes, boolean oneTime, String reason) {
        String name = tenantName(tenant);
        return new Outbox.Message(recipient, name + ": " + oneLine(requester) + " asks for role " + oneLine(role), """
                Hello,

                %s asks for role %s %s for %d minutes%s.

                Reason: %s

                You may approve or deny it under Temporary access in the console, or with
                POST /api/v1/tenants/<tenant>/elevation-requests/<id>/approve (or /deny).
                Undecided, the request lapses after a day.

                -- %s
                """.formatted(oneLine(requester), oneLine(role), location == null ? "tenant-wide" : "at "
                        + oneLine(location), minutes, oneTime ? ", for one use" : "", oneLine(reason), name),
                Outbox.Kind.NOTICE);
    }

    /** Issue 13: the recipient's elevation request was approved or denied. */
    public Outbox.Message elevationDecided(TenantId tenant, String recipient, String role, @Nullable String location,
            String outcome, String decider, int minutes, boolean oneTime, @Nullable String note) {
        String name = tenantName(tenant);
        String held = outcome.equals("approved")
                ? "You hold it from now for " + minutes + " minutes" + (oneTime ? ", for one use." : ".")
                : "Nothing changed in what you may do.";
        return new Outbox.Message(recipient, name + ": your request for role " + oneLine(role) + " was " + outcome, """
                Hello,

                %s %s your request for role %s %s.
                %s%s

                -- %s
                """.formatted(oneLine(decider), outcome, oneLine(role), location == null ? "tenant-wide" : "at "
                        + oneLine(location), held, note == null ? "" : "\nNote: " + oneLine(note), name),
                Outbox.Kind.NOTICE);
    }

    private String tenantName(TenantId tenant) {
        return oneLine(tenants.name(tenant));
    }

    /** Subjects are headers: no line breaks or other control characters get into them. */
    private static String oneLine(String text) {
        return text.replaceAll("\\p{Cntrl}+", " ").strip();
    }
}
