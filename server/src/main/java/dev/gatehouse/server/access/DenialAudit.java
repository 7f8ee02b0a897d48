package dev.gatehouse.server.access;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records the denials a caller of the check API asked to have recorded ({@code "audit": true}) as
 * {@code PERMISSION_DENIED} events: seed 002 §7.4, "log permission denial attempts for security
 * monitoring". A check changes nothing, so the events get a transaction of their own.
 */
@Component
class DenialAudit {

    /** A denied question about {@code user}. */
    record Denial(UUID user, CheckRequest.Question question, Decision decision) {}

    /** A denied question an anonymous caller asked about the tenant's guest. */
    record GuestDenial(CheckRequest.Question question, Decision decision) {}

    /** Who a guest's denial names as its actor: nobody signed in, holding the guest role. */
    static final AuditLog.Actor GUEST = new AuditLog.Actor(null, Access.GUEST_SUBJECT,
            List.of(GuestAdmission.GUEST_ROLE));

    private final AuditLog audit;
    private final Access access;
    private final PolicyLoader loader;
    private final TransactionTemplate transaction;
    private final Clock clock;

    DenialAudit(AuditLog audit, Access access, PolicyLoader loader, PlatformTransactionManager transactions, Clock clock) {
        this.audit = audit;
        this.access = access;
        this.loader = loader;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    void record(Caller caller, List<Denial> denials, @Nullable String ip, @Nullable String userAgent) {
        if (denials.isEmpty()) {
            return;
        }
        AuditLog.Actor actor = Actors.of(caller, rolesOf(caller));
        transaction.executeWithoutResult(status -> {
            for (Denial denial : denials) {
                String name = loader.username(caller.tenant(), denial.user()).orElse(null);
                audit.record(caller.tenant(), "PERMISSION_DENIED", actor,
                        new AuditLog.Target("user", denial.user().toString(), name), ip, userAgent,
                        details(denial.question(), denial.decision()));
            }
        });
    }

    /**
     * Records a guest's denials on the tenant's trail, naming the guest as actor and target and the
     * client's address: seed 002 §7.4 asks denial attempts to be logged for security monitoring,
     * and an anonymous client is what such monitoring watches first.
     */
    void recordGuest(TenantId tenant, List<GuestDenial> denials, Origin origin) {
        if (denials.isEmpty()) {
            return;
        }
        transaction.executeWithoutResult(status -> {
            for (GuestDenial denial : denials) {
                Map<String, Object> details = details(denial.question(), denial.decision());
                details.put("principal", Access.GUEST_SUBJECT);
                audit.record(tenant, "PERMISSION_DENIED", GUEST,
                        new AuditLog.Target("guest", Access.GUEST_SUBJECT, Access.GUEST_SUBJECT), origin.ip(),
                        origin.userAgent(), details);
            }
        });
    }

    /** The roles the caller holds now, as every audit event's actor carries them. */
    private List<String> rolesOf(Caller caller) {
        Instant now = clock.instant();
        return access.profile(caller.tenant(), caller.userId())
                .map(profile -> profile.subject().assignments().stream()
                        .filter(assignment -> assignment.validAt(now))
                        .map(Assignment::role).distinct().toList())
                .orElse(List.of());
    }

    private static Map<String, Object> details(CheckRequest.Question question, Decision decision) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("permission", question.permission());
        Resource resource = question.resource();
        if (resource != null) {
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("type", resource.type());
            about.put("id", resource.id());
            if (resource.location() != null) {
                about.put("location", resource.location());
            }
            details.put("resource", about);
        }
        details.put("reason", Map.of("code", decision.reason().code(), "explanation", decision.explain()));
        if (question.at() != null) {
            details.put("asOf", question.at().toString());
        }
        if (question.context().ip() != null) {
            details.put("contextIp", question.context().ip());
        }
        return details;
    }
}
