package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates, renames, moves and deletes a tenant's locations. The tree is part of the engine's
 * policy (a role held at a location holds below it), so every change reaches every profile of the
 * tenant at once.
 */
@Service
public class LocationService {

    private final Locations locations;
    private final AuditLog audit;
    private final AccessChanges changes;

    LocationService(Locations locations, AuditLog audit, AccessChanges changes) {
        this.locations = locations;
        this.audit = audit;
        this.changes = changes;
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

    @Transactional(readOnly = true)
    TenantLocation get(TenantId tenant, UUID id) {
        return locations.find(tenant, id).orElseThrow(() -> ApiException.notFound("location " + id));
    }

    @Transactional
    TenantLocation create(TenantId tenant, String name, @Nullable UUID parent, Actors.Origin origin) {
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
        audit.record(tenant, "LOCATION_CREATED", origin.actor(), new AuditLog.Target("location", id.toString(), name),
                origin.ip(), origin.userAgent(), details);
        changes.policyChanged(tenant);
        return locations.find(tenant, id).orElseThrow();
    }

    /**
     * Renames and/or moves a location ({@code parent} null moves it to the top). A location cannot
     * move under itself or one of its descendants.
     */
    @Transactional
    TenantLocation update(TenantId tenant, UUID id, @Nullable String newName, boolean move, @Nullable UUID newParent,
            Actors.Origin origin) {
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
        audit.record(tenant, "LOCATION_UPDATED", origin.actor(), new AuditLog.Target("location", id.toString(), name),
                origin.ip(), origin.userAgent(), details);
        changes.policyChanged(tenant);
        return locations.find(tenant, id).orElseThrow();
    }

    /** Deletes a location that has no child locations and no role assignments. */
    @Transactional
    void delete(TenantId tenant, UUID id, Actors.Origin origin) {
        locations.lock(tenant);
        TenantLocation location = locations.find(tenant, id).orElseThrow(() -> ApiException.notFound("location " + id));
        long children = locations.children(tenant, id);
        if (children > 0) {
            throw ApiException.conflict("location " + location.name() + " has " + children
                    + (children == 1 ? " child location" : " child locations") + "; move or delete them first");
        }
        long assignments = locations.assignments(tenant, id);
        if (assignments > 0) {
            throw ApiException.conflict("roles are held at location " + location.name() + " in " + assignments
                    + (assignments == 1 ? " assignment" : " assignments")
                    + " (counting expired and future ones); revoke them first");
        }
        locations.delete(tenant, id);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", location.name());
        details.put("parent", location.parent() == null ? null : location.parent().toString());
        audit.record(tenant, "LOCATION_DELETED", origin.actor(),
                new AuditLog.Target("location", id.toString(), location.name()), origin.ip(), origin.userAgent(),
                details);
        changes.policyChanged(tenant);
    }

    private void requireFreeName(TenantId tenant, @Nullable UUID parent, String name, @Nullable UUID except) {
        if (locations.nameTaken(tenant, parent, name, except)) {
            throw ApiException.conflict("a location named " + name + " already exists "
                    + (parent == null ? "at the top level" : "under the same parent")
                    + " (names compare ignoring case)");
        }
    }
}
