package dev.gatehouse.server.users;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * When a provider works, week by week (seed 000, "Provider Scheduling": hours by day and break
 * times, in one time zone). A day that is absent is a day off. Instances are only made from checked
 * input ({@link AvailabilityRules}) or from what was stored after that check, so the ranges of a day
 * are ordered, do not overlap, and every break lies within the hours.
 */
public record WeeklyAvailability(String timezone, Map<DayOfWeek, Day> days) {

    /** Nobody's hours are set until someone sets them; UTC until a zone is chosen. */
    static final WeeklyAvailability NONE = new WeeklyAvailability("UTC", Map.of());

    static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    public WeeklyAvailability {
        EnumMap<DayOfWeek, Day> copy = new EnumMap<>(DayOfWeek.class);
        copy.putAll(days);
        days = java.util.Collections.unmodifiableMap(copy);
    }

    /** A time range within one day, {@code from} before {@code to}. */
    public record Range(LocalTime from, LocalTime to) {

        public String fromText() {
            return HH_MM.format(from);
        }

        public String toText() {
            return HH_MM.format(to);
        }

        boolean within(Range outer) {
            return !from.isBefore(outer.from) && !to.isAfter(outer.to);
        }

        boolean overlaps(Range other) {
            return from.isBefore(other.to) && other.from.isBefore(to);
        }
    }

    /** The working hours of one day and the breaks taken within them. */
    public record Day(List<Range> hours, List<Range> breaks) {

        public Day {
            hours = List.copyOf(hours);
            breaks = List.copyOf(breaks);
        }
    }

    /** The document of the API, the audit trail and the store: {@code {timezone, days: {MONDAY: {hours, breaks}}}}. */
    Map<String, Object> document() {
        Map<String, Object> byDay = new LinkedHashMap<>();
        days.forEach((day, hours) -> byDay.put(day.name(),
                Map.of("hours", ranges(hours.hours()), "breaks", ranges(hours.breaks()))));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("timezone", timezone);
        document.put("days", byDay);
        return document;
    }

    private static List<Map<String, String>> ranges(List<Range> ranges) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Range range : ranges) {
            Map<String, String> pair = new LinkedHashMap<>();
            pair.put("from", range.fromText());
            pair.put("to", range.toText());
            out.add(pair);
        }
        return out;
    }

    /** Reads back a stored {@link #document()}, which was checked before it was written. */
    static WeeklyAvailability ofStored(JsonNode stored) {
        Map<DayOfWeek, Day> days = new EnumMap<>(DayOfWeek.class);
        for (Map.Entry<String, JsonNode> day : stored.get("days").properties()) {
            days.put(DayOfWeek.valueOf(day.getKey()),
                    new Day(storedRanges(day.getValue().get("hours")), storedRanges(day.getValue().get("breaks"))));
        }
        return new WeeklyAvailability(stored.get("timezone").asString(), days);
    }

    private static List<Range> storedRanges(JsonNode ranges) {
        List<Range> out = new ArrayList<>();
        for (JsonNode range : ranges) {
            out.add(new Range(LocalTime.parse(range.get("from").asString()), LocalTime.parse(range.get("to").asString())));
        }
        return out;
    }
}
