package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.audittrail.TenantTrailArchive;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDeleting;
import dev.gatehouse.server.shared.TenantPaths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A platform operator deletes a tenant ({@code DELETE /api/v1/tenants/{tenant}}, {@code tenants.delete},
 * docs/api.md "Tenants (lifecycle)"). Only a suspended one — so nobody is signed in and every check
 * already denies — and one with no child tenants (move those first). In one transaction, with the
 * tenant's row locked: its whole trail is archived to a file that is read back and verified
 * ({@link TenantTrailArchive}), then the trail's rows and every other row of the tenant go (the
 * foreign keys cascade, migration V127; other tenants' memberships of its people end first, {@link
 * TenantDeleting}), and {@code TENANT_DELETED} goes on the platform's trail
 * naming the archive and its SHA-256. If anything fails, nothing is removed. The slug is then free
 * and answers 404 everywhere.
 */
@Service
public class TenantDeletion {

    /** What a deletion left: the archive of the trail. */
    public record Deleted(String slug, String archive, String sha256, long events) {}

    private final Tenants tenants;
    private final Access access;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final TenantTrailArchive trail;
    private final ApplicationEventPublisher events;

    TenantDeletion(Tenants tenants, Access access, AuditLog audit, AccessChanges changes, TenantTrailArchive trail,
            ApplicationEventPublisher events) {
        this.events = events;
        this.tenants = tenants;
        this.access = access;
        this.audit = audit;
        this.changes = changes;
        this.trail = trail;
    }

    /**
     * @throws ApiException 404 for an unknown tenant and for anyone but an operator (403 for a tenant's
     *     user naming their own); 403 without {@code tenants.delete} or on the platform tenant; 409
     *     unless the tenant is suspended, while it has child tenants, or when its trail does not verify
     */
    @Transactional
    public Deleted delete(Caller caller, TenantPaths.TenantRef tenant, AuditLog.Actor actor, Origin origin) {
        TenantEdits.refuseUnlessOperator(caller, tenant);
        access.require(caller, "tenants.delete", null);
        if (tenant.slug().equals(Caller.PLATFORM)) {
            throw ApiException.forbidden("the platform tenant is the operators' own and is never deleted");
        }
        Tenant current = tenants.findForUpdate(tenant.id())
                .orElseThrow(() -> ApiException.notFound("tenant " + tenant.slug()));
        if (!current.status().equals("SUSPENDED")) {
            throw ApiException.conflict("tenant " + current.slug() + " is " + current.status() + "; suspend it first"
                    + " (PATCH {\"status\": \"SUSPENDED\"}), so that nobody is signed in when it is deleted");
        }
        if (tenants.hasChildren(current.id())) {
            throw ApiException.conflict("tenant " + current.slug() + " has child tenants; move or detach them first"
                    + " (PATCH {\"parent\": ...} on each)");
        }
        TenantTrailArchive.Archived archived = trail.archive(current.id(), current.slug());
        trail.removeArchived(current.id());
        changes.policyChanged(current.id());
        events.publishEvent(new TenantDeleting(current.id()));
        tenants.delete(current.id());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", current.name());
        details.put("pack", current.pack());
        details.put("archive", Map.of("name", archived.name(), "sha256", archived.sha256(), "events", archived.events()));
        audit.record(caller.tenant(), "TENANT_DELETED", actor,
                new AuditLog.Target("tenant", current.id().toString(), current.slug()), origin.ip(), origin.userAgent(),
                details);
        return new Deleted(current.slug(), archived.name(), archived.sha256(), archived.events());
    }
}
