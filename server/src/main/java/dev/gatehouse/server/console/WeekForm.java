package dev.gatehouse.server.console;

import dev.gatehouse.server.users.UserAvailability;
import dev.gatehouse.server.users.WeeklyAvailability;
import java.time.DayOfWeek;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The "Weekly availability" section of the user page: one small form per day (hours, one break,
 * or off), filled from what is set, or from what was typed when the service refused it, with the
 * service's field errors ({@code days.MONDAY.hours[0].to}) placed next to the inputs they name.
 */
final class WeekForm {

    /** One day's form as posted; blank inputs are no value. */
    record DayInput(@Nullable String off, @Nullable String from, @Nullable String to, @Nullable String breakFrom,
            @Nullable String breakTo) {

        UserAvailability.DayForm form() {
            return new UserAvailability.DayForm(off != null, UserForms.blankToNull(from), UserForms.blankToNull(to),
                    UserForms.blankToNull(breakFrom), UserForms.blankToNull(breakTo));
        }
    }

    /** A day as the section shows it: what is set, the inputs' values, and the errors beside them. */
    record DayRow(String day, String label, String set, boolean off, @Nullable String from, @Nullable String to,
            @Nullable String breakFrom, @Nullable String breakTo, @Nullable String fromError,
            @Nullable String toError, @Nullable String breakError, @Nullable String dayError) {}

    private WeekForm() {}

    /** The seven rows; {@code typed} (with {@code errors}) replaces the row of the day whose save was refused. */
    static List<DayRow> rows(WeeklyAvailability week, @Nullable DayOfWeek refusedDay, @Nullable DayInput typed,
            FormErrors errors) {
        List<DayRow> rows = new ArrayList<>();
        for (DayOfWeek day : DayOfWeek.values()) {
            String label = day.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            WeeklyAvailability.Day set = week.days().get(day);
            String summary = set == null ? "Off" : describe(set);
            if (day == refusedDay && typed != null) {
                String prefix = "days." + day.name();
                rows.add(new DayRow(day.name(), label, summary, typed.off() != null, typed.from(), typed.to(),
                        typed.breakFrom(), typed.breakTo(), errors.get(prefix + ".hours[0].from"),
                        errors.get(prefix + ".hours[0].to"), breakError(errors, prefix), errors.get(prefix)));
            } else if (set == null) {
                rows.add(new DayRow(day.name(), label, summary, true, null, null, null, null, null, null, null, null));
            } else {
                WeeklyAvailability.Range hours = set.hours().getFirst();
                WeeklyAvailability.Range pause = set.breaks().isEmpty() ? null : set.breaks().getFirst();
                rows.add(new DayRow(day.name(), label, summary, false, hours.fromText(), hours.toText(),
                        pause == null ? null : pause.fromText(), pause == null ? null : pause.toText(), null, null,
                        null, null));
            }
        }
        return rows;
    }

    private static @Nullable String breakError(FormErrors errors, String prefix) {
        for (String field : List.of(".breaks[0]", ".breaks[0].from", ".breaks[0].to")) {
            if (errors.has(prefix + field)) {
                return errors.get(prefix + field);
            }
        }
        return null;
    }

    private static String describe(WeeklyAvailability.Day day) {
        StringBuilder text = new StringBuilder();
        for (WeeklyAvailability.Range hours : day.hours()) {
            text.append(text.isEmpty() ? "" : ", ").append(hours.fromText()).append("–").append(hours.toText());
        }
        for (WeeklyAvailability.Range pause : day.breaks()) {
            text.append("; break ").append(pause.fromText()).append("–").append(pause.toText());
        }
        return text.toString();
    }
}
