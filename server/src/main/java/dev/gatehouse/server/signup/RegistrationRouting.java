package dev.gatehouse.server.signup;

import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.RegistrationDesk;
import dev.gatehouse.server.users.SelfRegistration;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Where a self-registering address lands (users.RegistrationDesk), in this order:
 * <ol>
 *   <li>a domain mapping matching its domain: with a tenant named, only that tenant's own mappings;
 *       with none, every tenant's, and when mappings of two tenants match, nobody's (a conflict for
 *       operators, as two tenants listing one {@code emailDomains} always was: a tenant must not win
 *       another's addresses by priority). Within a tenant the highest priority wins, then the most
 *       specific pattern (an exact domain before {@code *.domain}, a longer wildcard before a shorter);</li>
 *   <li>the named tenant's {@code emailDomains} listing the domain (the pack's default role, no approval);</li>
 *   <li>the named tenant's open registration ({@code registration.open}), with {@code registration.defaultRole}
 *       and {@code registration.approval}.</li>
 * </ol>
 * Only active tenants take anyone, and a mapping only fills its owner or the owner's child (a child
 * re-parented since is no longer its owner's to fill). A mapping's role or location that the target no longer has reads as
 * the pack's default role, tenant-wide.
 */
@Component
class RegistrationRouting implements RegistrationDesk {

    private final DomainMappingStore mappings;
    private final SignupRequestStore requests;
    private final TenantSettingsStore settings;
    private final TenantDirectory directory;
    private final Access access;
    private final AuditLog audit;
    private final Outbox outbox;
    private final ApprovalNotices notices;
    private final Clock clock;

    RegistrationRouting(DomainMappingStore mappings, SignupRequestStore requests, TenantSettingsStore settings,
            TenantDirectory directory, Access access, AuditLog audit, Outbox outbox, ApprovalNotices notices,
            Clock clock) {
        this.notices = notices;
        this.mappings = mappings;
        this.requests = requests;
        this.settings = settings;
        this.directory = directory;
        this.access = access;
        this.audit = audit;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Override
    public Optional<Placement> place(String email, @Nullable TenantId named) {
        String domain = email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        Optional<Placement> mapped = mapped(domain, named);
        if (mapped.isPresent() || named == null || !directory.isActive(named)) {
            return mapped;
        }
        TenantSettings tenant = settings.of(named);
        if (tenant.emailDomains().contains(domain)) {
            return Optional.of(new Placement(named, null, null, false, "email-domain"));
        }
        TenantSettings.Registration registration = tenant.registration();
        if (registration.open()) {
            String role = registration.defaultRole();
            boolean known = role != null && access.policy(named).flatMap(policy -> policy.role(role)).isPresent();
            return Optional.of(new Placement(named, known ? role : null, null, registration.approval(),
                    "open-registration"));
        }
        return Optional.empty();
    }

    private Optional<Placement> mapped(String domain, @Nullable TenantId named) {
        List<DomainMappingStore.Row> matching = mappings.withPatterns(DomainPattern.candidates(domain)).stream()
                .filter(row -> named == null || row.owner().equals(named))
                .filter(row -> new DomainPattern(row.pattern()).matches(domain))
                .filter(row -> directory.isActive(row.owner()) && directory.isActive(row.target()))
                .filter(this::targetsOwnTree)
                .toList();
        if (matching.stream().map(DomainMappingStore.Row::owner).distinct().count() != 1) {
            return Optional.empty();
        }
        DomainMappingStore.Row best = matching.stream()
                .max(Comparator.comparingInt(DomainMappingStore.Row::priority)
                        .thenComparingInt(row -> new DomainPattern(row.pattern()).specificity()))
                .orElseThrow();
        TenantPolicy policy = access.policy(best.target()).orElse(null);
        String role = best.role() != null && policy != null && policy.role(best.role()).isPresent() ? best.role() : null;
        UUID location = best.location() != null && policy != null && policy.locations().contains(best.location().toString())
                ? best.location() : null;
        return Optional.of(new Placement(best.target(), role, location, best.mode().equals("APPROVAL"),
                "domain-mapping"));
    }

    /**
     * A mapping fills its owner or a child of it (checked when saved); a child moved to another parent
     * since is a foreign tenant to the owner now, and the mapping routes nobody there.
     */
    private boolean targetsOwnTree(DomainMappingStore.Row row) {
        return row.target().equals(row.owner()) || directory.parentOf(row.target()).filter(row.owner()::equals)
                .isPresent();
    }

    @Override
    public boolean everQueued(TenantId tenant, String email) {
        return requests.anyFor(tenant, email);
    }

    @Override
    public void queue(SelfRegistration.Applicant applicant, Placement placement, @Nullable String ip,
            @Nullable String userAgent) {
        TenantId tenant = placement.tenant();
        String role = placement.role() != null ? placement.role()
                : dev.gatehouse.engine.packs.RolePacks.builtIn(directory.named(tenant).orElseThrow().pack())
                        .defaultRole();
        UUID id = UUID.randomUUID();
        boolean queued = requests.insert(tenant, new SignupRequestStore.Request(id, "REGISTRATION", "PENDING",
                applicant.email(), applicant.username(), applicant.firstName(), applicant.lastName(), null, role,
                placement.location(), null, placement.via(), clock.instant(), null, null, null));
        if (!queued) {
            // One pending registration per address: a repeat tells nobody anything and mails nobody again.
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("request", id.toString());
        details.put("role", role);
        details.put("via", placement.via());
        audit.record(tenant, "REGISTRATION_REQUESTED", AuditLog.Actor.SYSTEM,
                new AuditLog.Target("registration", id.toString(), applicant.username()), ip, userAgent, details);
        notices.requested(tenant);
        String name = directory.name(tenant);
        outbox.enqueue(tenant, new Outbox.Message(applicant.email(), "Your registration at " + name, """
                Hello %s,

                your registration at %s was received. An administrator approves new accounts there first:
                until then you cannot sign in. Once it is approved, you receive a link to choose your password.

                If you did not ask for this, ignore this message.
                """.formatted(applicant.firstName(), name), Outbox.Kind.NOTICE));
    }
}
