package dev.gatehouse.server.users;

import dev.gatehouse.engine.packs.RolePacks;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.shared.OpenTenants;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantTree;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Self-registration (seed 003, "e-mail-domain auto-assignment"; issue 16, seed 002's open registration).
 * Where an address lands is the {@link RegistrationDesk}'s to say first (a domain mapping, or the open
 * registration of the tenant the applicant named); failing that, an address whose domain exactly one
 * tenant lists in {@code emailDomains} lands there with the pack's default role. The applicant becomes
 * an invited user and the invitation link goes to that address, so only its owner can finish; when the
 * placement asks for approval, they wait in the queue instead and the account is made on approval
 * ({@link #invite}). Every other case does nothing, and the caller cannot tell which happened.
 */
@Service
public class SelfRegistration {

    /** What a person sends; already checked for form. */
    public record Applicant(String email, String username, String firstName, String lastName) {}

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
    /** The tenant a registration names, resolved as at every door open to anyone. */
    private final OpenTenants named;
    private final RegistrationDesk desk;

    SelfRegistration(UserStore users, Assignments assignments, UserTokens tokens, Outbox outbox,
            AuditLog audit, AccessChanges changes, Clock clock, TenantScope scope, TenantDirectory directory,
            OpenTenants named, RegistrationDesk desk) {
        this.directory = directory;
        this.named = named;
        this.desk = desk;
        this.scope = scope;
        this.users = users;
        this.assignments = assignments;
        this.tokens = tokens;
        this.outbox = outbox;
        this.audit = audit;
        this.changes = changes;
        this.clock = clock;
    }

    /** The tenant {@code email} would land in (see the class comment), for throttling per tenant. */
    Optional<TenantId> tenantFor(String email, @Nullable TenantId named) {
        Optional<RegistrationDesk.Placement> placed = desk.place(email, named);
        if (placed.isPresent()) {
            return placed.map(RegistrationDesk.Placement::tenant);
        }
        if (named != null) {
            return Optional.of(named);
        }
        List<Match> matches = matches(domain(email));
        return matches.size() == 1 ? Optional.of(matches.getFirst().id()) : Optional.empty();
    }

    /** The active tenant a registration names by slug, if there is one. */
    Optional<TenantId> named(@Nullable String slug) {
        return slug == null || slug.isBlank() ? Optional.empty() : named.bySlug(slug).map(OpenTenants.Active::id);
    }

    static String domain(String email) {
        return email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Registers the applicant where the desk places them (queued when it asks for approval), or, with
     * no tenant named, where their domain names exactly one tenant; only if they are new there.
     */
    @Transactional
    void register(Applicant applicant, @Nullable TenantId named, @Nullable String ip, @Nullable String userAgent) {
        Optional<RegistrationDesk.Placement> placed = desk.place(applicant.email(), named);
        if (placed.isPresent()) {
            RegistrationDesk.Placement placement = placed.get();
            directory.lockForNewMember(placement.tenant());
            if (taken(placement.tenant(), applicant)) {
                return;
            }
            if (placement.approval()) {
                desk.queue(applicant, placement, ip, userAgent);
            } else {
                invite(placement.tenant(), applicant, placement.role(), placement.location(),
                        Map.of("via", placement.via()), AuditLog.Actor.SYSTEM, ip, userAgent);
            }
            return;
        }
        if (named != null) {
            return;
        }
        String domain = domain(applicant.email());
        List<Match> matches = matches(domain);
        // Two tenants claiming one domain is a conflict for operators to resolve, not for the applicant to pick.
        if (matches.size() != 1) {
            return;
        }
        register(applicant, matches.getFirst(), domain, ip, userAgent);
    }

    /**
     * The tenants whose own {@code emailDomains} list the domain, less each one below which another of
     * them lists it too (issue 16): a child that names a domain of its parent's list as its own has
     * overridden the parent there, as with every inherited setting, so the child takes the address and
     * the parent and the child are no conflict. A child that only inherits the list names no tenant
     * (it would be a conflict with its parent and every sibling); a domain mapping sends it there.
     */
    private List<Match> matches(String domain) {
        List<TenantDirectory.Claimant> claimants = directory.claimingEmailDomain(domain);
        Set<TenantId> overridden = new HashSet<>();
        if (claimants.size() > 1) {
            for (TenantDirectory.Claimant claimant : claimants) {
                Optional<TenantId> above = directory.parentOf(claimant.id());
                // Bounded as the tree is (shared.TenantTree): a cycle could not be made, and must not loop.
                for (int depth = 0; above.isPresent() && depth < TenantTree.MAX_DEPTH; depth++) {
                    overridden.add(above.get());
                    above = directory.parentOf(above.get());
                }
            }
        }
        return claimants.stream().filter(claimant -> !overridden.contains(claimant.id()))
                .map(claimant -> new Match(claimant.id(), claimant.name(), claimant.pack())).toList();
    }

    private void register(Applicant applicant, Match tenant, String domain, @Nullable String ip,
            @Nullable String userAgent) {
        // Serialises registrations into one tenant, so that two for one username cannot both pass the checks.
        // "no key update": it must not block the key-share locks that every insert referencing the tenant
        // takes (an audit event written meanwhile holds the tenant's chain head and waits for one: a deadlock).
        directory.lockForNewMember(tenant.id());
        if (taken(tenant.id(), applicant)) {
            return;
        }
        invite(tenant.id(), applicant, null, null, Map.of("via", "email-domain", "domain", domain),
                AuditLog.Actor.SYSTEM, ip, userAgent);
    }

    private boolean taken(TenantId tenant, Applicant applicant) {
        return users.usernameTaken(tenant, applicant.username()) || users.emailTaken(tenant, applicant.email());
    }

    /**
     * Makes {@code applicant} an invited user of {@code tenant} holding {@code role} (null: the pack's
     * default role) at {@code location}, and mails them the invitation link; for a registration that
     * needs no approval, and for one an admin approved (signup's queue, with the admin as {@code actor}).
     * Nothing happens when the username or address is taken there by now.
     *
     * @param via what the trail says about how they came ({@code via}, and e.g. {@code domain})
     * @return the new user's id, or empty when the username or address is taken
     */
    @Transactional
    public Optional<UUID> invite(TenantId tenant, Applicant applicant, @Nullable String role, @Nullable UUID location,
            Map<String, String> via, AuditLog.Actor actor, @Nullable String ip, @Nullable String userAgent) {
        directory.lockForNewMember(tenant);
        if (taken(tenant, applicant)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        TenantDirectory.Named named = directory.named(tenant).orElseThrow();
        String given = role != null ? role : RolePacks.builtIn(named.pack()).defaultRole();
        String name = directory.name(tenant);
        UUID id = users.insert(tenant, new UserStore.NewUser(applicant.username(), applicant.firstName(),
                applicant.lastName(), applicant.email(), null, "HUMAN", "INVITED", null, List.of()));
        AuditLog.Target target = new AuditLog.Target("user", id.toString(), applicant.username());
        Map<String, Object> created = new java.util.LinkedHashMap<>(via);
        created.put("roles", List.of(given));
        created.put("invited", true);
        created.put("kind", "HUMAN");
        audit.record(tenant, "USER_CREATED", actor, target, ip, userAgent, created);
        UUID assignment = assignments.insert(tenant, id, given, location, null, null, "INVITE", null);
        Map<String, Object> assigned = new java.util.LinkedHashMap<>();
        assigned.put("assignment", assignment.toString());
        assigned.put("role", given);
        if (location != null) {
            assigned.put("location", location.toString());
        }
        assigned.put("via", via.get("via"));
        audit.record(tenant, "ROLE_ASSIGNED", actor, target, ip, userAgent, assigned);
        Duration validity = scope.rules(tenant).invitationValidity();
        String link = tokens.issueFirst(tenant, id, UserTokens.Purpose.INVITATION, validity, now);
        outbox.enqueue(tenant, new Outbox.Message(applicant.email(), "Your " + name + " account",
                """
                Hello %s,

                an account was requested for this address at %s. To finish it, choose a password here
                (the link works once, for %d hours):

                %s

                If you did not ask for this, ignore this message; the account stays unusable.
                """.formatted(applicant.firstName(), name, validity.toHours(), link),
                Outbox.Kind.INVITATION));
        audit.record(tenant, "INVITATION_SENT", actor, target, ip, userAgent,
                Map.of("expiresAt", now.plus(validity).toString(), "via", via.get("via")));
        changes.subjectChanged(tenant, id);
        return Optional.of(id);
    }
}
