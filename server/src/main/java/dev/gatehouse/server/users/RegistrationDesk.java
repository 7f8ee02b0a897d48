package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.TenantId;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where a self-registering address lands and who holds the ones waiting for approval (issue 16). The
 * signup package answers it (domain mappings, a tenant's open registration, the approval queue); it
 * is an interface here so that users, which creates the account, does not depend on signup.
 */
public interface RegistrationDesk {

    /**
     * A tenant an applicant lands in.
     *
     * @param role the role they get; null is the tenant pack's default role
     * @param location the location the role holds at; null is tenant-wide
     * @param approval whether an admin approves first (the applicant waits in the queue, no account yet)
     * @param via how they got there, for the trail ({@code domain-mapping}, {@code open-registration})
     */
    record Placement(TenantId tenant, @Nullable String role, @Nullable UUID location, boolean approval, String via) {}

    /**
     * Where {@code email} lands: by a domain mapping, or by the open registration of {@code named}.
     *
     * @param named the tenant the applicant named, or null; with a tenant named, only its own mappings count
     */
    Optional<Placement> place(String email, @Nullable TenantId named);

    /**
     * Where a person an identity provider of {@code tenant} signs up for the first time lands (issue 16):
     * the domain mapping that places the address in {@code tenant} itself — the platform-wide routing
     * (a parent's mapping targeting it), else the tenant's own mappings. The provider signs people into
     * its own tenant, so a mapping placing the address anywhere else does not apply (empty).
     */
    default Optional<Placement> placeSignedUp(String email, TenantId tenant) {
        return place(email, null).or(() -> place(email, tenant))
                .filter(placement -> placement.via().equals("domain-mapping") && placement.tenant().equals(tenant));
    }

    /**
     * The tenant a domain mapping sends {@code email} to for signing in (issue 16, home-realm discovery):
     * with {@code named}, the best of that tenant's own mappings (so its child, when the mapping targets
     * one); with none, the platform-wide routing a registration naming no tenant gets. Empty when no
     * mapping matches, whatever else would place a registration (e-mail domains, open registration):
     * those name no tenant a stranger could not already name.
     */
    default Optional<TenantId> signInTenant(String email, @Nullable TenantId named) {
        if (email.indexOf('@') <= 0) {
            return Optional.empty();
        }
        return place(email.strip(), named).filter(placement -> placement.via().equals("domain-mapping"))
                .map(Placement::tenant);
    }

    /** Whether a registration of this address was ever queued in {@code tenant}, whatever became of it. */
    boolean everQueued(TenantId tenant, String email);

    /** Puts {@code applicant} in the approval queue of the placement's tenant; one pending per address. */
    void queue(SelfRegistration.Applicant applicant, Placement placement, @Nullable String ip,
            @Nullable String userAgent);
}
