package dev.gatehouse.server.shared;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The tenant a path open to anonymous callers names ({@link PathTenant.For#GUEST},
 * {@link PathTenant.For#SIGN_IN}), resolved by {@link OpenTenants} when the door first asks, once: a
 * door that counts an attempt before any lookup (the guest check) lets a flood of made-up names cost
 * its bucket, not queries.
 */
public final class DoorTenant {

    private final String named;
    private final OpenTenants tenants;
    private final boolean idsToo;
    private boolean looked;
    private OpenTenants.@Nullable Active active;

    DoorTenant(String named, OpenTenants tenants, boolean idsToo) {
        this.named = named;
        this.tenants = tenants;
        this.idsToo = idsToo;
    }

    /** What the path said, for a door's log line or a refusal that repeats it. */
    public String named() {
        return named;
    }

    /** The active tenant the path names; empty for an unknown one, a suspended one, and an id where ids name nothing. */
    public Optional<OpenTenants.Active> active() {
        if (!looked) {
            active = (idsToo ? tenants.bySlugOrId(named) : tenants.bySlug(named)).orElse(null);
            looked = true;
        }
        return Optional.ofNullable(active);
    }

    /** Whether the path names a suspended tenant by its slug, for the doors that say so (issue 16). */
    public boolean suspended() {
        return active().isEmpty() && tenants.suspended(named);
    }
}
