package dev.gatehouse.server.signup;

import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's domain mappings (seed 003, "Settings → Domain Mappings"), for holders of
 * {@code domain-mappings.manage}. A mapping sends the addresses of a domain to this tenant or one
 * of its children (nothing else: a tenant cannot fill someone else's), with a role of that tenant
 * and optionally one of its locations, at once or through the approval queue. Each change is
 * audited in the tenant's trail, and in the child's when the mapping targets one.
 */
@Service
public class DomainMappings {

    /** A mapping as the API shows it. */
    public record View(String id, String pattern, int priority, Target targetTenant, @Nullable String targetLocation,
            @Nullable String defaultRole, String mode, Instant createdAt, Instant updatedAt) {}

    /** The tenant a mapping fills. */
    public record Target(String id, String slug) {}

    /**
     * A mapping as sent (POST and PUT): {@code pattern} is required; {@code priority} 0–1000 (0),
     * {@code targetTenant} a slug or id (this tenant), {@code targetLocation} a location id of the target
     * (tenant-wide), {@code defaultRole} a role of the target (its pack's default role), {@code mode}
     * AUTOMATIC or APPROVAL (AUTOMATIC).
     */
    public record Mapping(@Nullable String pattern, @Nullable Integer priority, @Nullable String targetTenant,
            @Nullable String targetLocation, @Nullable String defaultRole, @Nullable String mode) {}

    static final String MANAGE = "domain-mappings.manage";
    static final int MAX_PER_TENANT = 200;
    static final int MAX_PRIORITY = 1000;
    static final Set<String> MODES = Set.of("AUTOMATIC", "APPROVAL");

    private final DomainMappingStore store;
    private final Access access;
    private final Actors actors;
    private final AuditLog audit;
    private final TenantDirectory directory;
    private final Clock clock;

    DomainMappings(DomainMappingStore store, Access access, Actors actors, AuditLog audit, TenantDirectory directory,
            Clock clock) {
        this.store = store;
        this.access = access;
        this.actors = actors;
        this.audit = audit;
        this.directory = directory;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<View> list(Caller caller, TenantId tenant) {
        access.require(caller, MANAGE, null);
        return store.of(tenant).stream().map(this::view).toList();
    }

    @Transactional(readOnly = true)
    public View get(Caller caller, TenantId tenant, UUID id) {
        access.require(caller, MANAGE, null);
        return view(found(tenant, id));
    }

    /**
     * @throws ApiException 403 without domain-mappings.manage, 400 naming each field at fault
     */
    @Transactional
    public View create(Caller caller, TenantId tenant, @Nullable Mapping mapping, Origin origin) {
        access.require(caller, MANAGE, null);
        Checked checked = check(caller, tenant, mapping, null);
        if (store.count(tenant) >= MAX_PER_TENANT) {
            throw ApiException.badRequest("pattern", "at most " + MAX_PER_TENANT + " domain mappings per tenant");
        }
        Instant now = clock.instant();
        DomainMappingStore.Row row = new DomainMappingStore.Row(tenant, UUID.randomUUID(), checked.pattern().text(),
                checked.priority(), checked.target(), checked.location(), checked.role(), checked.mode(), now, now);
        store.insert(row);
        record(caller, row, "DOMAIN_MAPPING_CREATED", details(row), origin);
        return view(row);
    }

    /** Replaces a mapping's fields, checked as for {@link #create}. */
    @Transactional
    public View replace(Caller caller, TenantId tenant, UUID id, @Nullable Mapping mapping, Origin origin) {
        access.require(caller, MANAGE, null);
        Checked checked = check(caller, tenant, mapping, id);
        DomainMappingStore.Row before = found(tenant, id);
        DomainMappingStore.Row after = new DomainMappingStore.Row(tenant, id, checked.pattern().text(),
                checked.priority(), checked.target(), checked.location(), checked.role(), checked.mode(),
                before.createdAt(), clock.instant());
        store.update(after);
        Map<String, Object> details = details(after);
        details.put("before", details(before));
        record(caller, after, "DOMAIN_MAPPING_CHANGED", details, origin);
        if (!before.target().equals(after.target())) {
            recordInTarget(caller, before, "DOMAIN_MAPPING_CHANGED", details, origin);
        }
        return view(after);
    }

    @Transactional
    public void delete(Caller caller, TenantId tenant, UUID id, Origin origin) {
        access.require(caller, MANAGE, null);
        DomainMappingStore.Row row = found(tenant, id);
        store.delete(tenant, id);
        record(caller, row, "DOMAIN_MAPPING_DELETED", details(row), origin);
    }

    private DomainMappingStore.Row found(TenantId tenant, UUID id) {
        return store.find(tenant, id).orElseThrow(() -> ApiException.notFound("domain mapping " + id));
    }

    private record Checked(DomainPattern pattern, int priority, TenantId target, @Nullable UUID location,
            @Nullable String role, String mode) {}

    private Checked check(Caller caller, TenantId tenant, @Nullable Mapping mapping, @Nullable UUID id) {
        if (mapping == null) {
            throw ApiException.badRequest("body", "must be a JSON object {pattern, priority?, targetTenant?,"
                    + " targetLocation?, defaultRole?, mode?}");
        }
        List<FieldError> errors = new ArrayList<>();
        DomainPattern pattern = null;
        if (mapping.pattern() == null || mapping.pattern().isBlank()) {
            errors.add(new FieldError("pattern", "is required: a domain (clinic.org) or its subdomains (*.clinic.org)"));
        } else {
            pattern = DomainPattern.parse(mapping.pattern()).orElse(null);
            if (pattern == null) {
                errors.add(new FieldError("pattern", "'" + mapping.pattern() + "' is not a domain (clinic.org) or a"
                        + " wildcard over one (*.clinic.org)"));
            } else if (store.patternTaken(tenant, pattern.text(), id)) {
                errors.add(new FieldError("pattern", pattern.text() + " is mapped already; edit that mapping"));
            }
        }
        int priority = mapping.priority() == null ? 0 : mapping.priority();
        if (priority < 0 || priority > MAX_PRIORITY) {
            errors.add(new FieldError("priority", "must be a whole number from 0 to " + MAX_PRIORITY));
        }
        String mode = mapping.mode() == null ? "AUTOMATIC" : mapping.mode();
        if (!MODES.contains(mode)) {
            errors.add(new FieldError("mode", "must be AUTOMATIC or APPROVAL"));
        }
        TenantId target = target(tenant, mapping.targetTenant()).orElse(null);
        if (target == null) {
            errors.add(new FieldError("targetTenant", "must be this tenant or one of its children"));
        }
        UUID location = null;
        String role = blankToNull(mapping.defaultRole());
        TenantPolicy policy = target == null ? null : access.policy(target).orElse(null);
        if (policy != null) {
            String where = blankToNull(mapping.targetLocation());
            if (where != null) {
                location = Ids.parse(where.strip()).filter(l -> policy.locations().contains(l.toString())).orElse(null);
                if (location == null) {
                    errors.add(new FieldError("targetLocation", "unknown location of the target tenant"));
                }
            }
            if (role != null && policy.role(role).isEmpty()) {
                errors.add(new FieldError("defaultRole", "unknown role of the target tenant"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        if (role != null && policy != null) {
            requireWithinCaller(caller, policy, role);
        }
        return new Checked(Objects.requireNonNull(pattern), priority, Objects.requireNonNull(target), location, role,
                mode);
    }

    /**
     * A mapping hands its role to strangers who register, so it is no way up to more power: the
     * caller must hold, tenant-wide, every permission the role grants (as {@code roles.assign} asks;
     * for a child's role, its permissions against the caller's own).
     */
    private void requireWithinCaller(Caller caller, TenantPolicy target, String role) {
        List<String> beyond = access.grantsBeyondCaller(caller, target.flattenedGrants(role), null);
        if (!beyond.isEmpty()) {
            throw ApiException.forbidden("you cannot map addresses to role " + role + ": it grants "
                    + String.join(", ", beyond.subList(0, Math.min(5, beyond.size()))) + " beyond your own access");
        }
    }

    /** This tenant, or a child of it; anything else (another tenant's, a made-up id) is no target. */
    private Optional<TenantId> target(TenantId tenant, @Nullable String named) {
        if (named == null || named.isBlank()) {
            return Optional.of(tenant);
        }
        return directory.named(named.strip()).map(TenantDirectory.Named::id)
                .filter(id -> id.equals(tenant) || directory.parentOf(id).filter(tenant::equals).isPresent());
    }

    private static @Nullable String blankToNull(@Nullable String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private View view(DomainMappingStore.Row row) {
        return new View(row.id().toString(), row.pattern(), row.priority(),
                new Target(row.target().toString(), directory.slug(row.target())),
                row.location() == null ? null : row.location().toString(), row.role(), row.mode(), row.createdAt(),
                row.updatedAt());
    }

    private Map<String, Object> details(DomainMappingStore.Row row) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pattern", row.pattern());
        details.put("priority", row.priority());
        details.put("targetTenant", directory.slug(row.target()));
        if (row.location() != null) {
            details.put("targetLocation", row.location().toString());
        }
        if (row.role() != null) {
            details.put("defaultRole", row.role());
        }
        details.put("mode", row.mode());
        return details;
    }

    private void record(Caller caller, DomainMappingStore.Row row, String action, Map<String, Object> details,
            Origin origin) {
        AuditLog.Target target = new AuditLog.Target("domain-mapping", row.id().toString(), row.pattern());
        audit.record(row.owner(), action, actors.actor(caller), target, origin.ip(), origin.userAgent(), details);
        recordInTarget(caller, row, action, details, origin);
    }

    /** A child's trail says who maps addresses into it. */
    private void recordInTarget(Caller caller, DomainMappingStore.Row row, String action, Map<String, Object> details,
            Origin origin) {
        if (!row.target().equals(row.owner())) {
            Map<String, Object> inChild = new LinkedHashMap<>(details);
            inChild.put("ownerTenant", directory.slug(row.owner()));
            audit.record(row.target(), action, actors.actor(caller),
                    new AuditLog.Target("domain-mapping", row.id().toString(), row.pattern()), origin.ip(),
                    origin.userAgent(), inChild);
        }
    }
}
