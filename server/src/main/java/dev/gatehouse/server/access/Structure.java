package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What access asks of a tenant's structure: whether it is active, and its location tree. The
 * {@code tenants} and {@code locations} tables are tenancy's, which implements this; access may
 * not depend on it (ArchitectureTest), so it holds only the interface (docs/style.md rule 16,
 * {@code TableOwnershipTest}).
 */
public interface Structure {

    /** One location: its id, its parent's (null at the top) and its name. */
    record Place(String id, @Nullable String parent, String name) {}

    /** Whether the tenant is active; empty when there is no such tenant. */
    Optional<Boolean> active(TenantId tenant);

    /** The tenant's locations, by name. */
    List<Place> locations(TenantId tenant);
}
