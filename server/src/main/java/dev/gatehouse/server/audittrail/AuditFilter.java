package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Ids;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The filters of a search or an export of the trail, parsed and checked. {@code from} is inclusive
 * and {@code to} exclusive; a bare date means midnight UTC.
 */
record AuditFilter(@Nullable UUID actorId, @Nullable String actorName, List<String> actions,
        @Nullable String targetType, @Nullable String targetId, @Nullable String resourceType,
        @Nullable String resourceId, @Nullable String ip, @Nullable String role, @Nullable Instant from,
        @Nullable Instant to) {

    static final Pattern ACTION = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");
    static final int MAX_ACTION = 64;

    AuditFilter {
        actions = List.copyOf(actions);
    }

    /** The same filter without its IP address or range. */
    AuditFilter withoutIp() {
        return new AuditFilter(actorId, actorName, actions, targetType, targetId, resourceType, resourceId, null, role,
                from, to);
    }

    /**
     * @throws ApiException 400 naming the first bad filter; the IP's syntax is checked by the
     *     database ({@link AuditQueries#requireInet})
     */
    static AuditFilter parse(AuditFilters raw) {
        Map<String, String> given = raw.given();
        UUID actorId = null;
        String actorName = null;
        String actor = given.get("actor");
        if (actor != null) {
            actorId = uuid(actor);
            if (actorId == null) {
                actorName = actor;
            }
        }
        List<String> actions = new ArrayList<>();
        if (given.containsKey("action")) {
            for (String part : given.get("action").split(",", -1)) {
                String action = part.strip();
                if (action.length() > MAX_ACTION || !ACTION.matcher(action).matches()) {
                    throw ApiException.badRequest("action", "UPPER_SNAKE action names of at most 64 characters,"
                            + " separated by commas");
                }
                actions.add(action);
            }
        }
        String targetType = null;
        String targetId = given.get("target");
        if (targetId != null) {
            int colon = targetId.indexOf(':');
            if (colon == 0 || colon == targetId.length() - 1) {
                throw ApiException.badRequest("target", "a target id or type:id");
            }
            if (colon > 0) {
                targetType = targetId.substring(0, colon);
                targetId = targetId.substring(colon + 1);
            }
        }
        String resourceType = null;
        String resourceId = null;
        String resource = given.get("resource");
        if (resource != null) {
            int colon = resource.indexOf(':');
            if (colon <= 0 || colon == resource.length() - 1) {
                throw ApiException.badRequest("resource", "type:id, for example patient:123");
            }
            resourceType = resource.substring(0, colon);
            resourceId = resource.substring(colon + 1);
        }
        Instant from = instant("from", given.get("from"));
        Instant to = instant("to", given.get("to"));
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.badRequest("to", "must be after from");
        }
        return new AuditFilter(actorId, actorName, actions, targetType, targetId, resourceType, resourceId,
                given.get("ip"), given.get("role"), from, to);
    }

    private static @Nullable UUID uuid(String text) {
        return Ids.parse(text).orElse(null);
    }

    private static @Nullable Instant instant(String field, @Nullable String text) {
        if (text == null) {
            return null;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            throw ApiException.badRequest(field, "an ISO-8601 time such as 2026-01-31T12:00:00Z, or a date");
        }
    }
}
