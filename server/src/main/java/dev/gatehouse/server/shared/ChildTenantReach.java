package dev.gatehouse.server.shared;

import java.util.List;

/**
 * Whether a user of a parent tenant may act in a tenant below it (the engine decides, on
 * {@code children.access}; {@code childaccess.ChildAccess} answers). An interface here so that
 * {@link TenantPaths}, which turns every path's {@code {tenant}} into an id, can ask without
 * depending on the access package.
 */
public interface ChildTenantReach {

    /**
     * @return whether {@code caller} may act in {@code target}, a tenant that is not their own
     */
    boolean mayActIn(Caller caller, TenantId target);

    /** The active tenants below the caller's own that they may act in (none without the permission), for a switcher. */
    List<TenantTree.Link> reachable(Caller caller);
}
