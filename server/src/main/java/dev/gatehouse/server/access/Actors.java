package dev.gatehouse.server.access;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Who makes a change, as the audit trail records it: the caller with the roles they hold at that
 * moment (docs/api.md, audit: {@code actor: {id, username, roles}}), and where the request came from.
 */
@Component
public class Actors {

    /** The actor of a change and the request's address and user agent, for {@link AuditLog#record}. */
    public record Origin(AuditLog.Actor actor, @Nullable String ip, @Nullable String userAgent) {}

    private final Access access;
    private final Clock clock;

    Actors(Access access, Clock clock) {
        this.access = access;
        this.clock = clock;
    }

    public Origin origin(Caller caller, HttpServletRequest request) {
        return new Origin(actor(caller), request.getRemoteAddr(), request.getHeader("User-Agent"));
    }

    public AuditLog.Actor actor(Caller caller) {
        Set<String> roles = new LinkedHashSet<>();
        Profile profile = access.profile(caller.tenant(), caller.userId()).orElse(null);
        if (profile != null) {
            for (Assignment assignment : profile.subject().assignments()) {
                if (assignment.validAt(clock.instant())) {
                    roles.add(assignment.role());
                }
            }
        }
        return new AuditLog.Actor(caller.userId(), caller.username(), List.copyOf(roles));
    }
}
