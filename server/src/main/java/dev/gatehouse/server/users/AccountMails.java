package dev.gatehouse.server.users;

import dev.gatehouse.server.mail.MailTemplates;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Queues the e-mails of the users API in the caller's transaction, so a link is mailed exactly when
 * the change that issued it commits. A user without an address gets none; the admin still has the
 * link from the response.
 */
@Component
class AccountMails {

    private final Outbox outbox;
    private final MailTemplates templates;

    AccountMails(Outbox outbox, MailTemplates templates) {
        this.outbox = outbox;
        this.templates = templates;
    }

    /** Signed with the name the tenant's lookup already read, when it did (issue 17: a query fewer). */
    void invitation(TenantScope.Scoped tenant, @Nullable String email, String username, String link,
            Instant expiresAt) {
        Outbox.Queued queued = invitationRow(tenant, email, username, link, expiresAt);
        if (queued != null) {
            outbox.enqueue(queued);
        }
    }

    /**
     * The invitation's outbox row for the statement that creates its user to write (issue 17: one round
     * trip for the user, the link and the mail); none without an address.
     */
    Outbox.@Nullable Queued invitationRow(TenantScope.Scoped tenant, @Nullable String email, String username,
            String link, Instant expiresAt) {
        return email == null ? null : outbox.queued(tenant.id(),
                templates.invitation(tenant.id(), tenant.name(), email, username, link, expiresAt));
    }

    void passwordReset(TenantId tenant, @Nullable String email, String username, String link, Instant expiresAt) {
        if (email != null) {
            outbox.enqueue(tenant, templates.passwordReset(tenant, email, username, link, expiresAt));
        }
    }

    void forgotPassword(TenantId tenant, String email, String username, String link, Instant expiresAt) {
        outbox.enqueue(tenant, templates.forgotPassword(tenant, email, username, link, expiresAt));
    }
}
