package dev.gatehouse.server.users;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import java.time.Clock;
import java.time.DayOfWeek;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * A provider's weekly hours and breaks (seed 000, "Provider Scheduling"). Reading them is reading
 * the user ({@code users.read}); setting them is editing the user, by the same guard as a PATCH of
 * the account ({@code users.edit} wherever the user holds a role), so that a location manager sets
 * the hours of their own staff only. Each change and its audit event commit together.
 */
@Service
public class UserAvailability {

    private final UserStore users;
    private final AvailabilityStore store;
    private final UserGuard guard;
    private final AuditLog audit;
    private final Clock clock;

    UserAvailability(UserStore users, AvailabilityStore store, UserGuard guard, AuditLog audit, Clock clock) {
        this.users = users;
        this.store = store;
        this.guard = guard;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public WeeklyAvailability get(Caller caller, TenantScope.Scoped tenant, UUID id) {
        guard.requireReadAnywhere(caller, id);
        users.find(tenant.id(), id).orElseThrow(() -> ApiException.notFound("user " + id));
        guard.requireRead(caller, id);
        return store.of(tenant.id(), id);
    }

    /** Replaces the whole week with the document of {@code PUT …/users/{id}/availability}. */
    @Transactional
    public WeeklyAvailability replace(Caller caller, TenantScope.Scoped tenant, UUID id, JsonNode document,
            Origin origin) {
        UserAccount user = editable(caller, tenant, id);
        return save(caller, tenant, user, AvailabilityRules.document(document), origin);
    }

    /**
     * Replaces one day, as the console's form for that day gives it: one range of hours and at most
     * one break, or neither for a day off. The other days stay as they are.
     */
    @Transactional
    public WeeklyAvailability replaceDay(Caller caller, TenantScope.Scoped tenant, UUID id, DayOfWeek day,
            DayForm form, Origin origin) {
        UserAccount user = editable(caller, tenant, id);
        WeeklyAvailability current = store.of(tenant.id(), id);
        List<AvailabilityRules.RawRange> hours = form.off() ? List.of()
                : List.of(new AvailabilityRules.RawRange(form.from(), form.to()));
        List<AvailabilityRules.RawRange> breaks = form.off() || form.breakFrom() == null && form.breakTo() == null
                ? List.of() : List.of(new AvailabilityRules.RawRange(form.breakFrom(), form.breakTo()));
        return save(caller, tenant, user, AvailabilityRules.withDay(current, day, hours, breaks), origin);
    }

    /** One day as a form gives it: blank texts are null; {@code off} drops the day whatever else is filled in. */
    public record DayForm(boolean off, @Nullable String from,
            @Nullable String to, @Nullable String breakFrom,
            @Nullable String breakTo) {}

    private UserAccount editable(Caller caller, TenantScope.Scoped tenant, UUID id) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount user = users.findForUpdate(tenant.id(), id).orElseThrow(() -> ApiException.notFound("user " + id));
        guard.require(caller, "users.edit", id);
        if (user.kind().equals("SERVICE")) {
            throw ApiException.conflict("user " + user.username() + " is a service account: an application has no"
                    + " weekly availability (issue 12)");
        }
        return user;
    }

    private WeeklyAvailability save(Caller caller, TenantScope.Scoped tenant, UserAccount user,
            WeeklyAvailability after, Origin origin) {
        WeeklyAvailability before = store.of(tenant.id(), user.id());
        if (before.equals(after)) {
            return before;
        }
        store.replace(tenant.id(), user.id(), after, clock.instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("before", before.document());
        details.put("after", after.document());
        audit.record(tenant.id(), "USER_AVAILABILITY_CHANGED", guard.actor(caller),
                UserEvents.target(user.id(), user.username()), origin.ip(), origin.userAgent(), details);
        return after;
    }
}
