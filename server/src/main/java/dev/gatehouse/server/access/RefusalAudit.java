package dev.gatehouse.server.access;

import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Records a request of the admin API that the engine refused as {@code PERMISSION_DENIED} (issue 5:
 * "permission denial from the admin API"). The refused request's own transaction rolls back with
 * its 403, so the event is written once that transaction has ended, in a transaction of its own: no
 * row lock of the refused work (the tenant's chain head included) is still held, and the event
 * survives the rollback. Without a surrounding transaction it is written at once.
 */
@Component
class RefusalAudit {

    private final AuditLog audit;
    private final TransactionTemplate separately;

    RefusalAudit(AuditLog audit, PlatformTransactionManager transactions) {
        this.audit = audit;
        this.separately = new TransactionTemplate(transactions);
        this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    void record(Caller caller, List<String> roles, String permission, @Nullable Resource resource, Decision decision) {
        HttpServletRequest request = currentRequest();
        String ip = request == null ? null : Origin.of(request).ip();
        String userAgent = request == null ? null : Origin.of(request).userAgent();
        AuditLog.Actor actor = Actors.of(caller, roles);
        // A refused creation names a kind of resource but no object yet: then the type goes into the details.
        AuditLog.Target target = resource == null || resource.type() == null || resource.id() == null ? null
                : new AuditLog.Target(resource.type(), resource.id(), null);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("permission", permission);
        details.put("source", "admin-api");
        if (request != null) {
            details.put("request", request.getMethod() + " " + request.getRequestURI());
        }
        if (resource != null && target == null && resource.type() != null) {
            details.put("resourceType", resource.type());
        }
        if (resource != null && resource.location() != null) {
            details.put("location", resource.location());
        }
        details.put("reason", Map.of("code", decision.reason().code(), "explanation", decision.explain()));
        Runnable write = () -> separately.executeWithoutResult(
                status -> audit.record(caller.tenant(), "PERMISSION_DENIED", actor, target, ip, userAgent, details));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    write.run();
                }
            });
        } else {
            write.run();
        }
    }

    private static @Nullable HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? attributes.getRequest() : null;
    }
}
