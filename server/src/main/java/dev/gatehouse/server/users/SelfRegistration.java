package dev.gatehouse.server.users;

import dev.gatehouse.engine.packs.RolePacks;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Self-registration by e-mail domain (seed 003, "e-mail-domain auto-assignment"): an address whose
 * domain exactly one tenant lists in {@code emailDomains} becomes an invited user of that tenant
 * with its pack's default role, and the invitation link goes to that address, so only its owner
 * can finish. Every other case does nothing, and the caller cannot tell which happened.
 */
@Service
class SelfRegistration {

    /** What a person sends; already checked for form. */
    record Applicant(String email, String username, String firstName, String lastName) {}

    private record Match(TenantId id, String name, String pack) {}

    private final UserStore users;
    private final Assignments assignments;
    private final UserTokens tokens;
    private final Outbox outbox;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Clock clock;
    private final TenantScope scope;
    private final TenantDirectory directory;

    SelfRegistration(UserStore users, Assignments assignments, UserTokens tokens, Outbox outbox,
            AuditLog audit, AccessChanges changes, Clock clock, TenantScope scope, TenantDirectory directory) {
        this.directory = directory;
        this.scope = scope;
        this.users = users;
        this.assignments = assignments;
        this.tokens = tokens;
        this.outbox = outbox;
        this.audit = audit;
        this.changes = changes;
        this.clock = clock;
    }

    /** The tenant that the domain of {@code email} places people in: the one listing it, if exactly one does. */
    Optional<TenantId> tenantFor(String email) {
        List<Match> matches = matches(domain(email));
        return matches.size() == 1 ? Optional.of(matches.getFirst().id()) : Optional.empty();
    }

    static String domain(String email) {
        return email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    /** Registers the applicant if their domain names exactly one tenant and they are new there. */
    @Transactional
    void register(Applicant applicant, @Nullable String ip, @Nullable String userAgent) {
        String domain = domain(applicant.email());
        List<Match> matches = matches(domain);
        // Two tenants claiming one domain is a conflict for operators to resolve, not for the applicant to pick.
        if (matches.size() != 1) {
            return;
        }
        register(applicant, matches.getFirst(), domain, ip, userAgent);
    }

    private List<Match> matches(String domain) {
        return directory.claimingEmailDomain(domain).stream()
                .map(claimant -> new Match(claimant.id(), claimant.name(), claimant.pack())).toList();
    }

    private void register(Applicant applicant, Match tenant, String domain, @Nullable String ip,
            @Nullable String userAgent) {
        // Serialises registrations into one tenant, so that two for one username cannot both pass the checks.
        // "no key update": it must not block the key-share locks that every insert referencing the tenant
        // takes (an audit event written meanwhile holds the tenant's chain head and waits for one: a deadlock).
        directory.lockForNewMember(tenant.id());
        if (users.usernameTaken(tenant.id(), applicant.username())
                || users.emailTaken(tenant.id(), applicant.email())) {
            return;
        }
        Instant now = clock.instant();
        String role = RolePacks.builtIn(tenant.pack()).defaultRole();
        UUID id = users.insert(tenant.id(), new UserStore.NewUser(applicant.username(), applicant.firstName(),
                applicant.lastName(), applicant.email(), null, "HUMAN", "INVITED", null, List.of()));
        AuditLog.Target target = new AuditLog.Target("user", id.toString(), applicant.username());
        audit.record(tenant.id(), "USER_CREATED", AuditLog.Actor.SYSTEM, target, ip, userAgent,
                Map.of("via", "email-domain", "domain", domain, "roles", List.of(role), "invited", true,
                        "kind", "HUMAN"));
        UUID assignment = assignments.insert(tenant.id(), id, role, null, null, null, "INVITE", null);
        audit.record(tenant.id(), "ROLE_ASSIGNED", AuditLog.Actor.SYSTEM, target, ip, userAgent,
                Map.of("assignment", assignment.toString(), "role", role, "via", "email-domain"));
        Duration validity = scope.rules(tenant.id()).invitationValidity();
        String link = tokens.issue(tenant.id(), id, UserTokens.Purpose.INVITATION, validity, now);
        outbox.enqueue(tenant.id(), new Outbox.Message(applicant.email(), "Your " + tenant.name() + " account",
                """
                Hello %s,

                an account was requested for this address at %s. To finish it, choose a password here
                (the link works once, for %d hours):

                %s

                If you did not ask for this, ignore this message; the account stays unusable.
                """.formatted(applicant.firstName(), tenant.name(), validity.toHours(), link),
                Outbox.Kind.INVITATION));
        audit.record(tenant.id(), "INVITATION_SENT", AuditLog.Actor.SYSTEM, target, ip, userAgent,
                Map.of("expiresAt", now.plus(validity).toString(), "via", "email-domain"));
        changes.subjectChanged(tenant.id(), id);
    }
}
