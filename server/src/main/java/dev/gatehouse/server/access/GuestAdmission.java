package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.DoorTenant;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * Whether a check sent without credentials is answered for the tenant's guest (seed 002 §2: guests
 * are unauthenticated visitors). The {@code guests} feature implements it with the tenant's
 * {@code guestAccess} setting and its rate limit; the interface lives here because {@code access}
 * must not depend on the features that decide it (ArchitectureTest).
 */
public interface GuestAdmission {

    /** The role an anonymous caller holds, tenant-wide, in a tenant that lets guests in. */
    String GUEST_ROLE = "GUEST";

    /**
     * The tenant the path names ({@code @PathTenant(GUEST)}) when it answers anonymous checks now, after
     * one token of the caller's address limit, spent before the tenant is looked up.
     *
     * @throws dev.gatehouse.server.shared.ApiException 401 exactly as for any anonymous request when the
     *     tenant does not exist, is not active or does not let guests in
     * @throws dev.gatehouse.server.shared.TooManyRequests when the address has asked too often
     */
    TenantId admit(DoorTenant tenant, Origin origin);

    /** The 401 of an anonymous request, worded as the API's filter chain words it. */
    static ApiException unauthorized() {
        return new ApiException(HttpStatus.UNAUTHORIZED, "Unauthorized",
                "sign in first: send Authorization: Bearer <token> from /api/v1/auth/login", List.of());
    }
}
