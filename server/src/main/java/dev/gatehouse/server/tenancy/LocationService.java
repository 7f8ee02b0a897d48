package dev.gatehouse.server.tenancy;

import dev.gatehouse.engine.Resource;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.DisplayNames;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates, renames, moves and deletes a tenant's locations, for the API and the console alike. The
 * tree is part of the engine's policy (a role held at a location holds below it), so every change
 * reaches every profile of the tenant at once. Each action is checked at the place concerned, so a
 * location-scoped holder manages only at and below their own location, and only a tenant-wide
 * holder creates or moves locations at the top level.
 */
@Service
public class LocationService {

    /**
     * A rename and/or move as asked: {@code name} null keeps the name; with {@code move}, {@code parent}
     * (a location id, or null for the top level) is the new parent. {@code problems} are the faults
     * the caller's format already found (the API's JSON shape), answered with those of the fields.
     */
    public record Change(@Nullable String name, boolean move, @Nullable String parent, List<FieldError> problems) {
        public Change {
            problems = List.copyOf(problems);
        }
    }

    /** A location-less resource: only a tenant-wide reach covers it (the top level of the tree). */
    private static final Resource TOP_LEVEL = new Resource("location", null, null, null, Set.of(), Map.of());

    private final Locations locations;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Access access;
    private final Assignments assignments;

    LocationService(Locations locations, AuditLog audit, AccessChanges changes, Access access,
            Assignments assignments) {
        this.assignments = assignments;
        this.locations = locations;
        this.audit = audit;
        this.changes = changes;
        this.access = access;
    }

    /**
     * The locations the caller may read, depth-first (see {@link #tree}): a location-scoped holder
     * of {@code locations.read} sees those at and below where they hold it.
     */
    @Transactional(readOnly = true)
    public List<TenantLocation> visible(Caller caller, TenantId tenant) {
        access.require(caller, "locations.read", null);
        return tree(tenant).stream().filter(location -> access.allows(caller, "locations.read", at(location.id())))
                .toList();
    }

    /** Requires {@code locations.read} at the location; 404 for an unknown one. */
    @Transactional(readOnly = true)
    public TenantLocation get(Caller caller, TenantId tenant, UUID id) {
        access.require(caller, "locations.read", null);
        TenantLocation location = get(tenant, id);
        access.require(caller, "locations.read", at(id));
        return location;
    }

    /** Requires {@code locations.create} at the parent (tenant-wide for a top-level location). */
    @Transactional
    public TenantLocation create(Caller caller, TenantId tenant, @Nullable String name, @Nullable String parent,
            AuditLog.Actor actor, Origin origin) {
        access.require(caller, "locations.create", null);
        List<FieldError> errors = new ArrayList<>();
        String checkedName = DisplayNames.checked(name, "name", errors);
        UUID parentId = parent == null ? null : uuid("parent", parent, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        access.require(caller, "locations.create", parentId == null ? TOP_LEVEL : at(parentId));
        return create(tenant, checkedName, parentId, actor, origin);
    }

    /**
     * Requires {@code locations.edit} at the location and, for a move, at the new parent
     * (tenant-wide for the top level).
     */
    @Transactional
    public TenantLocation update(Caller caller, TenantId tenant, UUID id, Change change, AuditLog.Actor actor, Origin origin) {
        access.require(caller, "locations.edit", null);
        List<FieldError> errors = new ArrayList<>(change.problems());
        String name = change.name() == null ? null : DisplayNames.checked(change.name(), "name", errors);
        UUID parent = change.parent() == null ? null : uuid("parent", change.parent(), errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        get(tenant, id);
        access.require(caller, "locations.edit", at(id));
        if (change.move()) {
            access.require(caller, "locations.edit", parent == null ? TOP_LEVEL : at(parent));
        }
        return update(tenant, id, name, change.move(), parent, actor, origin);
    }

    /** Requires {@code locations.delete} at the location. */
    @Transactional
    public void delete(Caller caller, TenantId tenant, UUID id, AuditLog.Actor actor, Origin origin) {
        access.require(caller, "locations.delete", null);
        get(tenant, id);
        access.require(caller, "locations.delete", at(id));
        delete(tenant, id, actor, origin);
    }

    /** Depth-first: each location right after its parent's earlier children, siblings by name. */
    @Transactional(readOnly = true)
    public List<TenantLocation> tree(TenantId tenant) {
        List<TenantLocation> all = locations.all(tenant);
        Map<UUID, List<TenantLocation>> children = new HashMap<>();
        List<TenantLocation> roots = new ArrayList<>();
        for (TenantLocation location : all) {
            if (location.parent() == null) {
                roots.add(location);
            } else {
                children.computeIfAbsent(location.parent(), k -> new ArrayList<>()).add(location);
            }
        }
        List<TenantLocation> ordered = new ArrayList<>(all.size());
        ArrayList<TenantLocation> stack = new ArrayList<>(roots.reversed());
        while (!stack.isEmpty()) {
            TenantLocation next = stack.removeLast();
            ordered.add(next);
            stack.addAll(children.getOrDefault(next.id(), List.of()).reversed());
        }
        return ordered;
    }

    private TenantLocation get(TenantId tenant, UUID id) {
        return locations.find(tenant, id).orElseThrow(() -> ApiException.notFound("location " + id));
    }

    private TenantLocation create(TenantId tenant, String name, @Nullable UUID parent, AuditLog.Actor actor, Origin origin) {
        locations.lock(tenant);
        if (parent != null && locations.find(tenant, parent).isEmpty()) {
            throw ApiException.badRequest("parent", "unknown location " + parent);
        }
        requireFreeName(tenant, parent, name, null);
        UUID id = UUID.randomUUID();
        locations.insert(tenant, id, name, parent);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        details.put("parent", parent == null ? null : parent.toString());
        audit.record(tenant, "LOCATION_CREATED", actor, new AuditLog.Target("location", id.toString(), name),
                origin.ip(), origin.userAgent(), details);
        changes.policyChanged(tenant);
        return locations.find(tenant, id).orElseThrow();
    }

    /**
     * Renames and/or moves a location ({@code parent} null moves it to the top). A location cannot
     * move under itself or one of its descendants.
     */
    private TenantLocation update(TenantId tenant, UUID id, @Nullable String newName, boolean move, @Nullable UUID newParent,
            AuditLog.Actor actor, Origin origin) {
        locations.lock(tenant);
        TenantLocation before = locations.find(tenant, id).orElseThrow(() -> ApiException.notFound("location " + id));
        String name = newName == null ? before.name() : newName;
        UUID parent = move ? newParent : before.parent();
        if (move && newParent != null) {
            if (locations.find(tenant, newParent).isEmpty()) {
                throw ApiException.badRequest("parent", "unknown location " + newParent);
            }
            if (locations.subtree(tenant, id).contains(newParent)) {
                throw ApiException.badRequest("parent", newParent.equals(id)
                        ? "a location cannot be its own parent"
                        : "cannot move a location under one of its own descendants");
            }
        }
        Map<String, Object> was = new LinkedHashMap<>();
        Map<String, Object> is = new LinkedHashMap<>();
        if (!name.equals(before.name())) {
            was.put("name", before.name());
            is.put("name", name);
        }
        if (!Objects.equals(parent, before.parent())) {
            was.put("parent", before.parent() == null ? null : before.parent().toString());
            is.put("parent", parent == null ? null : parent.toString());
        }
        if (is.isEmpty()) {
            return before;
        }
        // Renaming to another case of the same name is fine; clashing with a sibling is not.
        requireFreeName(tenant, parent, name, id);
        locations.update(tenant, id, name, parent);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("before", was);
        details.put("after", is);
        audit.record(tenant, "LOCATION_UPDATED", actor, new AuditLog.Target("location", id.toString(), name),
                origin.ip(), origin.userAgent(), details);
        changes.policyChanged(tenant);
        return locations.find(tenant, id).orElseThrow();
    }

    /** Deletes a location that has no child locations and no role assignments. */
    private void delete(TenantId tenant, UUID id, AuditLog.Actor actor, Origin origin) {
        locations.lock(tenant);
        TenantLocation location = locations.find(tenant, id).orElseThrow(() -> ApiException.notFound("location " + id));
        long children = locations.children(tenant, id);
        if (children > 0) {
            throw ApiException.conflict("location " + location.name() + " has " + children
                    + (children == 1 ? " child location" : " child locations") + "; move or delete them first");
        }
        long held = assignments.countAt(tenant, id);
        if (held > 0) {
            throw ApiException.conflict("roles are held at location " + location.name() + " in " + held
                    + (held == 1 ? " assignment" : " assignments")
                    + " (counting expired and future ones); revoke them first");
        }
        locations.delete(tenant, id);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", location.name());
        details.put("parent", location.parent() == null ? null : location.parent().toString());
        audit.record(tenant, "LOCATION_DELETED", actor,
                new AuditLog.Target("location", id.toString(), location.name()), origin.ip(), origin.userAgent(),
                details);
        changes.policyChanged(tenant);
    }

    private static Resource at(UUID location) {
        return Resource.at(location.toString());
    }

    private static @Nullable UUID uuid(String field, String text, List<FieldError> errors) {
        UUID id = Ids.parse(text).orElse(null);
        if (id == null) {
            errors.add(new FieldError(field, "must be a location id (a UUID)"));
        }
        return id;
    }

    private void requireFreeName(TenantId tenant, @Nullable UUID parent, String name, @Nullable UUID except) {
        if (locations.nameTaken(tenant, parent, name, except)) {
            throw ApiException.conflict("a location named " + name + " already exists "
                    + (parent == null ? "at the top level" : "under the same parent")
                    + " (names compare ignoring case)");
        }
    }
}
