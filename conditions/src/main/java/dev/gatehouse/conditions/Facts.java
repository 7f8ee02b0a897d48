package dev.gatehouse.conditions;

import dev.cel.runtime.CelVariableResolver;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one evaluation's condition may name (see {@link CelConditions}), each looked up only when
 * the condition asks for it: the zoned time is computed once per evaluation at most, the resource
 * is read through a view, not copied.
 */
final class Facts implements CelVariableResolver {

    private static final String TIME = "request.time.";

    private final Profile subject;
    private final @Nullable Resource resource;
    private final Instant at;
    private final ZoneId zone;
    private final RequestContext context;
    private @Nullable ZonedDateTime local;
    private @Nullable String missing;

    Facts(Profile subject, @Nullable Resource resource, Instant at, ZoneId zone, RequestContext context) {
        this.subject = subject;
        this.resource = resource;
        this.at = at;
        this.zone = zone;
        this.context = context;
    }

    @Override
    public Optional<Object> find(String name) {
        Object value = value(name);
        if (value == null && missing == null) {
            missing = switch (name) {
                case "resource" -> "the check names no resource";
                case "request.ip" -> "the check carries no client address (context.ip)";
                default -> name + " is not known";
            };
        }
        return Optional.ofNullable(value);
    }

    /** Why the evaluation failed for want of a value, when it did. */
    @Nullable String missing() {
        return missing;
    }

    private @Nullable Object value(String name) {
        switch (name) {
            case "resource":
                return resource == null ? null : new ResourceView(resource);
            case "request.ip":
                return context.ip() == null ? null : new ClientAddress(context.ip());
            case "subject.id":
                return subject.subjectId();
            case "subject.roles":
                return subject.rolesHeldAt(at);
            default:
                return name.startsWith(TIME) ? time(name.substring(TIME.length())) : null;
        }
    }

    private @Nullable Long time(String field) {
        if (local == null) {
            local = at.atZone(zone);
        }
        return switch (field) {
            case "hour" -> (long) local.getHour();
            case "minute" -> (long) local.getMinute();
            case "dayOfWeek" -> (long) local.getDayOfWeek().getValue();
            case "day" -> (long) local.getDayOfMonth();
            case "month" -> (long) local.getMonthValue();
            case "year" -> (long) local.getYear();
            default -> null;
        };
    }

    /** Why a condition was false, with the values it read: "it is false for resource.amount = 500". */
    String describe(List<String> mentions) {
        StringBuilder why = new StringBuilder("it is false");
        String joiner = " for ";
        for (String mention : mentions) {
            Object value;
            if (mention.startsWith("resource.")) {
                value = resource == null ? null : new ResourceView(resource).get(mention.substring("resource.".length()));
            } else {
                value = value(mention);
            }
            if (value == null) {
                continue;
            }
            why.append(joiner).append(mention).append(" = ").append(value instanceof String ? "'" + value + "'" : value);
            if (mention.startsWith(TIME)) {
                why.append(" (").append(zone.getId()).append(')');
            }
            joiner = ", ";
        }
        return why.toString();
    }
}
