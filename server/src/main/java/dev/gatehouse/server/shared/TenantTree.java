package dev.gatehouse.server.shared;

import java.util.List;

/**
 * Parent and child tenants ({@code tenants.parent_id}), for settings inheritance and for the
 * designated parent users who act in children (docs/organisations.md, "Parent and child tenants").
 * Read afresh on every call, never cached: moving a child (its parent changed) must change its
 * settings and who may act in it on the very next request, on every node.
 */
public interface TenantTree {

    /** The deepest a tree is followed; a longer chain (or a cycle written outside the API) stops here. */
    int MAX_DEPTH = 32;

    /**
     * The tenant, then its parent, its grandparent and so on up to the root: nearest first. Empty
     * for no such tenant.
     */
    List<Link> lineage(TenantId tenant);

    /** Every tenant below {@code tenant}, children before grandchildren; never the tenant itself. */
    List<Link> descendants(TenantId tenant);

    /**
     * As {@link #lineage}, each tenant with its own stored settings document, in one read: what a
     * tenant's effective settings are made of (issue 17: every sign-in reads them).
     */
    List<Layer> settingsLineage(TenantId tenant);

    /** A tenant of a lineage: its id and slug, and whether it is active. */
    record Link(TenantId id, String slug, boolean active) {}

    /** A tenant of a lineage with its own settings document (JSON, {@code {}} when it set nothing). */
    record Layer(TenantId id, String slug, String settingsJson) {}
}
