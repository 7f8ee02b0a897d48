package dev.gatehouse.conditions;

import dev.cel.runtime.CelVariableResolver;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
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
    private static final long SECONDS_PER_DAY = 86_400;

    private final Profile subject;
    private final @Nullable Resource resource;
    private final Instant at;
    private final ZoneId zone;
    private final RequestContext context;
    /** The moment's local time in the zone, as seconds since the local epoch; read once per evaluation at most. */
    private long localSeconds;
    private boolean localKnown;
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

    /** A field of the local time; the hour, minute and weekday by arithmetic, without a ZonedDateTime. */
    private @Nullable Long time(String field) {
        if (!localKnown) {
            localSeconds = at.getEpochSecond() + zone.getRules().getOffset(at).getTotalSeconds();
            localKnown = true;
        }
        long day = Math.floorDiv(localSeconds, SECONDS_PER_DAY);
        return switch (field) {
            case "hour" -> Math.floorMod(localSeconds, SECONDS_PER_DAY) / 3_600;
            case "minute" -> Math.floorMod(localSeconds, 3_600L) / 60;
            // 1970-01-01 was a Thursday (ISO day 4).
            case "dayOfWeek" -> Math.floorMod(day + 3, 7L) + 1;
            case "day" -> (long) LocalDate.ofEpochDay(day).getDayOfMonth();
            case "month" -> (long) LocalDate.ofEpochDay(day).getMonthValue();
            case "year" -> (long) LocalDate.ofEpochDay(day).getYear();
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
