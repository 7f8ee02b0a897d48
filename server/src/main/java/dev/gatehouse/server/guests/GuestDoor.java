package dev.gatehouse.server.guests;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.GuestAdmission;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.DoorTenant;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.throttling.Throttle;
import org.springframework.stereotype.Component;

/**
 * Lets an anonymous check in as the tenant's guest (seed 002 §2: guests view public profiles, search
 * and book without an account) only where the tenant says so: its settings' {@code guestAccess} is
 * true, its pack has a {@code GUEST} role, and it is active. Everywhere else the answer is the 401 every
 * anonymous request gets, worded alike, so an anonymous caller cannot tell a tenant that exists from
 * one that does not. Every admitted request spends one token of its address's {@code guestCheck} limit
 * first; the refusal is a 429 with Retry-After.
 */
@Component
class GuestDoor implements GuestAdmission {

    private final TenantSettingsStore settings;
    private final Access access;
    private final Throttle throttle;

    GuestDoor(TenantSettingsStore settings, Access access, Throttle throttle) {
        this.settings = settings;
        this.access = access;
        this.throttle = throttle;
    }

    @Override
    public TenantId admit(DoorTenant tenant, Origin origin) {
        // The address pays before any lookup, so a flood over made-up tenant names costs a bucket, not queries.
        throttle.enter(new Throttle.Attempt(Throttle.Door.GUEST_CHECK, origin.ip(), null, null, origin.userAgent()));
        // The operators' tenant has no guests, whatever its settings say.
        TenantId id = tenant.active().filter(found -> !found.slug().equals(Caller.PLATFORM))
                .map(found -> found.id()).orElseThrow(GuestAdmission::unauthorized);
        if (!settings.of(id).guestAccess() || !access.hasGuestRole(id)) {
            throw GuestAdmission.unauthorized();
        }
        return id;
    }
}
