package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Problems;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.shared.TenantSuspended;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A platform operator changes a tenant ({@code PATCH /api/v1/tenants/{tenant}}
 * {@code {name?, status?, parent?, reason?}}, docs/api.md "Tenants (lifecycle)"; seed 002 §3.2
 * "organization management"), all or nothing:
 * <ul>
 * <li>{@code name} ({@code tenants.edit}): the slug stays, it is in every sign-in and every URL; the
 * rename is announced as the tenant's change, so that every node drops the name its paths keep
 * ({@code NamedTenantCache}) and signs its next mails with the new one;
 * <li>{@code status} {@code SUSPENDED} / {@code ACTIVE} ({@code tenants.suspend}): a suspension
 * ends every session and OAuth grant of the tenant ({@link TenantSuspended}), makes the engine deny
 * every check with {@code InactiveTenant} (the policy is rebuilt on every node through
 * {@link AccessChanges}), refuses its API keys and tells its users at sign-in; reactivating restores
 * access, but no ended session;
 * <li>{@code parent} ({@code tenants.edit}): re-parents it (null detaches), never under itself, one
 * of its descendants or the platform tenant.
 * </ul>
 * Each change goes on the tenant's own trail and on the platform's; a move also on the old and the
 * new parent's, while the child's own trail never names its parent.
 */
@Service
public class TenantEdits {

    static final int MAX_NAME = 200;
    static final int MAX_REASON = 500;
    private static final Set<String> FIELDS = Set.of("name", "status", "parent", "reason");

    /** What a request asks to change; a null field is left as it is ({@code parentGiven} tells a detach apart). */
    public record Change(@Nullable String name, @Nullable String status, boolean parentGiven, @Nullable String parent,
            @Nullable String reason) {

        public static Change rename(@Nullable String name) {
            return new Change(name == null ? "" : name, null, false, null, null);
        }

        public static Change status(@Nullable String status, @Nullable String reason) {
            return new Change(null, status == null ? "" : status, false, null, reason);
        }

        public static Change parent(@Nullable String parent) {
            return new Change(null, null, true, parent == null || parent.isBlank() ? null : parent.strip(), null);
        }
    }

    private final Tenants tenants;
    private final Access access;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final ApplicationEventPublisher events;
    private final JsonMapper json = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    TenantEdits(Tenants tenants, Access access, AuditLog audit, AccessChanges changes, ApplicationEventPublisher events) {
        this.tenants = tenants;
        this.access = access;
        this.audit = audit;
        this.changes = changes;
        this.events = events;
    }

    /**
     * Applies the API's JSON body.
     *
     * @throws ApiException 404 for an unknown tenant, and for any tenant but their own to a
     *     tenant's user (who on their own is told 403: only operators manage tenants); 403 without the
     *     permission of a field or on the platform tenant; 400 naming the field at fault
     */
    @Transactional
    public Tenant edit(Caller caller, TenantPaths.TenantRef tenant, @Nullable String body, AuditLog.Actor actor, Origin origin) {
        refuseUnlessOperator(caller, tenant);
        return apply(caller, tenant, parse(body), actor, origin);
    }

    /** Renames from the console's form field {@code name}; refusals as {@link #edit}. */
    @Transactional
    public Tenant renameTo(Caller caller, TenantPaths.TenantRef tenant, @Nullable String name, AuditLog.Actor actor, Origin origin) {
        return change(caller, tenant, Change.rename(name), actor, origin);
    }

    /** Applies a change the console's forms made; refusals as {@link #edit}. */
    @Transactional
    public Tenant change(Caller caller, TenantPaths.TenantRef tenant, Change change, AuditLog.Actor actor, Origin origin) {
        refuseUnlessOperator(caller, tenant);
        return apply(caller, tenant, change, actor, origin);
    }

    /**
     * A tenant's user naming their own tenant is told the truth; any other tenant (one below theirs
     * they reach, the only other a path lets them name) is the 404 of every path.
     */
    static void refuseUnlessOperator(Caller caller, TenantPaths.TenantRef tenant) {
        if (!caller.isPlatformOperator()) {
            throw tenant.id().equals(caller.tenant()) ? ApiException.forbidden("only platform operators manage tenants")
                    : ApiException.notFound("tenant " + tenant.slug());
        }
    }

    /** The checks in order — permission per field, input, tenant — so no one but an operator learns more. */
    private Tenant apply(Caller caller, TenantPaths.TenantRef tenant, Change change, AuditLog.Actor actor, Origin origin) {
        if (change.name() != null || change.parentGiven()) {
            access.require(caller, "tenants.edit", null);
        }
        if (change.status() != null) {
            access.require(caller, "tenants.suspend", null);
        }
        String name = change.name() == null ? null : validName(change.name());
        String status = change.status() == null ? null : validStatus(change.status());
        String reason = validReason(change.reason(), status != null);
        if (tenant.slug().equals(Caller.PLATFORM)) {
            throw ApiException.forbidden("the platform tenant is the operators' own and is not changed through the API");
        }
        Tenant current = tenants.findForUpdate(tenant.id())
                .orElseThrow(() -> ApiException.notFound("tenant " + tenant.slug()));
        Tenant parent = change.parentGiven() && change.parent() != null ? validParent(current, change.parent()) : null;
        AuditLog.Target target = new AuditLog.Target("tenant", current.id().toString(), current.slug());
        TenantId platform = caller.tenant();
        if (name != null && !current.name().equals(name)) {
            tenants.rename(current.id(), name);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("before", Map.of("name", current.name()));
            details.put("after", Map.of("name", name));
            record(current.id(), platform, "TENANT_UPDATED", actor, target, origin, details, details);
            if (status == null || current.status().equals(status)) {
                changes.policyChanged(current.id()); // else the status change below announces it
            }
        }
        if (status != null && !current.status().equals(status)) {
            tenants.setStatus(current.id(), status);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("before", Map.of("status", current.status()));
            details.put("after", Map.of("status", status));
            if (reason != null) {
                details.put("reason", reason);
            }
            boolean suspending = status.equals("SUSPENDED");
            record(current.id(), platform, suspending ? "TENANT_SUSPENDED" : "TENANT_REACTIVATED", actor, target, origin,
                    details, details);
            if (suspending) {
                events.publishEvent(new TenantSuspended(current.id(), caller, origin));
            }
            changes.policyChanged(current.id());
        }
        TenantId newParent = parent == null ? null : parent.id();
        if (change.parentGiven() && !Objects.equals(current.parent(), newParent)) {
            move(current, parent, platform, actor, target, origin);
        }
        return tenants.find(current.id()).orElseThrow();
    }

    private void move(Tenant child, @Nullable Tenant parent, TenantId platform, AuditLog.Actor actor,
            AuditLog.Target target, Origin origin) {
        Tenant before = child.parent() == null ? null : tenants.find(child.parent()).orElse(null);
        tenants.setParent(child.id(), parent == null ? null : parent.id());
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("before", Map.of("parent", before == null ? "none" : before.slug()));
        named.put("after", Map.of("parent", parent == null ? "none" : parent.slug()));
        // The child's admins learn that it moved, never which organisation is above it.
        Map<String, Object> own = Map.of("parentChanged", true, "hasParent", parent != null);
        record(child.id(), platform, "TENANT_MOVED", actor, target, origin, own, named);
        if (before != null) {
            audit.record(before.id(), "TENANT_MOVED", actor, target, origin.ip(), origin.userAgent(),
                    Map.of("child", child.slug(), "outcome", "no longer a child of this organisation"));
        }
        if (parent != null) {
            audit.record(parent.id(), "TENANT_MOVED", actor, target, origin.ip(), origin.userAgent(),
                    Map.of("child", child.slug(), "outcome", "now a child of this organisation"));
        }
        changes.policyChanged(child.id());
    }

    /** On the tenant's own trail and on the platform's, where operators account for what they did. */
    private void record(TenantId tenant, TenantId platform, String action, AuditLog.Actor actor, AuditLog.Target target,
            Origin origin, Map<String, Object> tenantDetails, Map<String, Object> platformDetails) {
        audit.record(tenant, action, actor, target, origin.ip(), origin.userAgent(), tenantDetails);
        audit.record(platform, action, actor, target, origin.ip(), origin.userAgent(), platformDetails);
    }

    /** The new parent: an existing tenant other than the platform, the tenant itself or one of its descendants. */
    private Tenant validParent(Tenant child, String given) {
        Tenant parent = tenants.find(given)
                .orElseThrow(() -> ApiException.badRequest("parent", "no tenant " + given + " exists"));
        if (parent.slug().equals(Caller.PLATFORM)) {
            throw ApiException.badRequest("parent", "the platform tenant has no children; give a tenant's slug or id");
        }
        if (parent.id().equals(child.id())) {
            throw ApiException.badRequest("parent", "a tenant cannot be its own parent");
        }
        if (tenants.isAncestorOf(child.id(), parent.id())) {
            throw ApiException.badRequest("parent", parent.slug() + " is below " + child.slug()
                    + " already; moving it there would make a cycle");
        }
        return parent;
    }

    /** The body: an object of {@code name}, {@code status}, {@code parent} and {@code reason}, at least one given. */
    private Change parse(@Nullable String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("name", "is required: give at least one of name, status and parent");
        }
        JsonNode document;
        try {
            document = json.readTree(body);
        } catch (JacksonException e) {
            String duplicate = e instanceof StreamReadException read ? Problems.duplicateKey(read) : null;
            if (duplicate != null) {
                throw ApiException.badRequest(duplicate, "is given more than once");
            }
            throw ApiException.badRequest("body", "is not valid JSON");
        }
        if (!document.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object {\"name\"?, \"status\"?, \"parent\"?}");
        }
        for (String field : document.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw ApiException.badRequest(field, "is not a field of a tenant that can be changed (name, status,"
                        + " parent); the slug stays");
            }
        }
        String name = text(document, "name", false);
        String status = text(document, "status", false);
        boolean parentGiven = document.has("parent");
        String parent = text(document, "parent", true);
        String reason = text(document, "reason", true);
        if (name == null && status == null && !parentGiven) {
            throw ApiException.badRequest(document.has("reason") ? "status" : "name",
                    "is required: give at least one of name, status and parent");
        }
        return new Change(name, status, parentGiven, parent, reason);
    }

    private static @Nullable String text(JsonNode document, String field, boolean nullable) {
        JsonNode value = document.path(field);
        if (value.isMissingNode() || (nullable && value.isNull())) {
            return null;
        }
        if (!value.isString()) {
            throw ApiException.badRequest(field, value.isNull() ? "must not be null" : "must be a string");
        }
        return value.asString();
    }

    private static String validName(String given) {
        String text = given.strip();
        if (text.isEmpty()) {
            throw ApiException.badRequest("name", "must not be blank");
        }
        if (text.codePointCount(0, text.length()) > MAX_NAME) {
            throw ApiException.badRequest("name", "must be at most " + MAX_NAME + " characters");
        }
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("name", "must not contain control characters");
        }
        return text;
    }

    private static String validStatus(String given) {
        if (!given.equals("ACTIVE") && !given.equals("SUSPENDED")) {
            throw ApiException.badRequest("status", "must be ACTIVE or SUSPENDED");
        }
        return given;
    }

    private static @Nullable String validReason(@Nullable String given, boolean withStatus) {
        if (given == null || given.isBlank()) {
            return null;
        }
        if (!withStatus) {
            throw ApiException.badRequest("reason", "goes with status: it says why a tenant is suspended or reactivated");
        }
        String text = given.strip();
        if (text.codePointCount(0, text.length()) > MAX_REASON) {
            throw ApiException.badRequest("reason", "must be at most " + MAX_REASON + " characters");
        }
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("reason", "must not contain control characters");
        }
        return text;
    }
}
