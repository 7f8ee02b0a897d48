package dev.gatehouse.server.users;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Checks a weekly availability as given, by the API (a JSON document) or the console (one day's
 * form), and names each field at fault the way the document spells it
 * ({@code days.MONDAY.hours[0].to}), so that one 400 lists everything to fix and nothing is saved.
 */
final class AvailabilityRules {

    /** A range as typed: two texts that should read HH:mm. */
    record RawRange(@Nullable String from, @Nullable String to) {}

    /** Enough for split shifts and a few breaks; a longer list is a mistake, not a schedule. */
    static final int MAX_RANGES = 4;

    private static final Pattern HH_MM = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d");
    private static final Set<String> DAY_FIELDS = Set.of("hours", "breaks");
    private static final String DAY_NAMES = String.join(", ", Arrays.stream(DayOfWeek.values()).map(Enum::name).toList());

    private AvailabilityRules() {}

    /** @throws dev.gatehouse.server.shared.ApiException 400 naming every field at fault */
    static WeeklyAvailability document(JsonNode body) {
        AccountFields fields = new AccountFields();
        if (!body.isObject()) {
            fields.reject("body", "must be a JSON object");
            fields.throwIfAny();
        }
        for (String name : body.propertyNames()) {
            if (!name.equals("timezone") && !name.equals("days")) {
                fields.reject(name, "is not a field of an availability (timezone, days)");
            }
        }
        String timezone = WeeklyAvailability.NONE.timezone();
        JsonNode zone = body.get("timezone");
        if (zone != null && !zone.isNull()) {
            timezone = zone.isString() ? timezone(fields, zone.asString()) : reject(fields, "timezone", timezone);
        }
        Map<DayOfWeek, WeeklyAvailability.Day> days = new EnumMap<>(DayOfWeek.class);
        JsonNode given = body.get("days");
        if (given != null && !given.isNull() && !given.isObject()) {
            fields.reject("days", "must be an object keyed by day (" + DAY_NAMES + ")");
        } else if (given != null && given.isObject()) {
            for (Map.Entry<String, JsonNode> entry : given.properties()) {
                DayOfWeek day = dayOf(entry.getKey());
                String prefix = "days." + entry.getKey();
                if (day == null) {
                    fields.reject(prefix, "is not a day; days are " + DAY_NAMES);
                    continue;
                }
                WeeklyAvailability.Day checked = day(fields, prefix, entry.getValue());
                if (checked != null && !checked.hours().isEmpty()) {
                    days.put(day, checked);
                }
            }
        }
        fields.throwIfAny();
        return new WeeklyAvailability(timezone, days);
    }

    /** One day replaced in {@code current}, as the console's form for that day gives it. */
    static WeeklyAvailability withDay(WeeklyAvailability current, DayOfWeek day, List<RawRange> hours,
            List<RawRange> breaks) {
        AccountFields fields = new AccountFields();
        WeeklyAvailability.Day checked = day(fields, "days." + day.name(), hours, breaks);
        fields.throwIfAny();
        Map<DayOfWeek, WeeklyAvailability.Day> days = new EnumMap<>(DayOfWeek.class);
        days.putAll(current.days());
        if (checked == null || checked.hours().isEmpty()) {
            days.remove(day);
        } else {
            days.put(day, checked);
        }
        return new WeeklyAvailability(current.timezone(), days);
    }

    private static @Nullable DayOfWeek dayOf(String name) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().equals(name)) {
                return day;
            }
        }
        return null;
    }

    private static String timezone(AccountFields fields, String zone) {
        // Region ids only (Europe/Berlin, America/New_York): an offset such as +02:00 ignores daylight saving.
        if (!ZoneId.getAvailableZoneIds().contains(zone)) {
            fields.reject("timezone", "must be an IANA time zone such as Europe/Berlin or America/New_York");
            return zone;
        }
        return zone;
    }

    private static String reject(AccountFields fields, String field, String fallback) {
        fields.reject(field, "must be a text");
        return fallback;
    }

    private static WeeklyAvailability.@Nullable Day day(AccountFields fields, String prefix, JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            fields.reject(prefix, "must be an object with hours and breaks");
            return null;
        }
        for (String name : node.propertyNames()) {
            if (!DAY_FIELDS.contains(name)) {
                fields.reject(prefix + "." + name, "is not a field of a day (hours, breaks)");
            }
        }
        List<RawRange> hours = raw(fields, prefix + ".hours", node.get("hours"));
        List<RawRange> breaks = raw(fields, prefix + ".breaks", node.get("breaks"));
        return hours == null || breaks == null ? null : day(fields, prefix, hours, breaks);
    }

    private static @Nullable List<RawRange> raw(AccountFields fields, String field, @Nullable JsonNode node) {
        List<RawRange> ranges = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ranges;
        }
        if (!node.isArray()) {
            fields.reject(field, "must be a list of {from, to}");
            return null;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode range = node.get(i);
            if (!range.isObject()) {
                fields.reject(field + "[" + i + "]", "must be an object {from, to}");
                return null;
            }
            ranges.add(new RawRange(text(range.get("from")), text(range.get("to"))));
        }
        return ranges;
    }

    private static @Nullable String text(@Nullable JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }

    private static WeeklyAvailability.@Nullable Day day(AccountFields fields, String prefix, List<RawRange> hours,
            List<RawRange> breaks) {
        List<WeeklyAvailability.Range> workHours = ranges(fields, prefix + ".hours", hours);
        List<WeeklyAvailability.Range> breakTimes = ranges(fields, prefix + ".breaks", breaks);
        if (workHours == null || breakTimes == null) {
            return null;
        }
        for (int i = 0; i < breakTimes.size(); i++) {
            WeeklyAvailability.Range taken = breakTimes.get(i);
            if (workHours.stream().noneMatch(taken::within)) {
                fields.reject(prefix + ".breaks[" + i + "]", "must lie within the day's hours");
                return null;
            }
        }
        return new WeeklyAvailability.Day(sorted(workHours), sorted(breakTimes));
    }

    /** The ranges of one list, or null when any is at fault (each fault named). */
    private static @Nullable List<WeeklyAvailability.Range> ranges(AccountFields fields, String field,
            List<RawRange> given) {
        if (given.size() > MAX_RANGES) {
            fields.reject(field, "may hold at most " + MAX_RANGES + " ranges a day");
            return null;
        }
        List<WeeklyAvailability.Range> ranges = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        boolean valid = true;
        for (int i = 0; i < given.size(); i++) {
            String at = field + "[" + i + "]";
            LocalTime from = time(fields, at + ".from", given.get(i).from());
            LocalTime to = time(fields, at + ".to", given.get(i).to());
            if (from == null || to == null) {
                valid = false;
                continue;
            }
            if (!from.isBefore(to)) {
                fields.reject(at + ".to", "must be after from");
                valid = false;
                continue;
            }
            WeeklyAvailability.Range range = new WeeklyAvailability.Range(from, to);
            for (int j = 0; j < ranges.size(); j++) {
                if (ranges.get(j).overlaps(range)) {
                    fields.reject(at, "overlaps " + field.substring(field.lastIndexOf('.') + 1) + "[" + positions.get(j)
                            + "]");
                    valid = false;
                }
            }
            ranges.add(range);
            positions.add(i);
        }
        return valid ? ranges : null;
    }

    private static @Nullable LocalTime time(AccountFields fields, String field, @Nullable String value) {
        if (value == null || !HH_MM.matcher(value).matches()) {
            fields.reject(field, "must be a time HH:mm (00:00 to 23:59)");
            return null;
        }
        return LocalTime.parse(value);
    }

    private static List<WeeklyAvailability.Range> sorted(List<WeeklyAvailability.Range> ranges) {
        return ranges.stream().sorted(Comparator.comparing(WeeklyAvailability.Range::from)).toList();
    }
}
