package dev.gatehouse.server.usertypes;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.util.List;

/**
 * What the users feature hears about types, inside the transaction of the change: it owns the users
 * of a type and their assignments, so it re-grants base roles or refuses a delete (throwing rolls
 * the type change back with it).
 */
public final class UserTypeEvents {

    private UserTypeEvents() {}

    /** The type's base roles went from {@code before} to {@code after}; its users' USER_TYPE roles follow. */
    public record BaseRolesChanged(TenantId tenant, String type, List<String> before, List<String> after, Caller caller,
            Origin origin) {}

    /** The type is about to be deleted; a listener throws 409 while users still have it. */
    public record Deleting(TenantId tenant, String type) {}
}
