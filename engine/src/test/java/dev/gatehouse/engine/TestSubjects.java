package dev.gatehouse.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Subjects for tests, built by name: {@code TestSubjects.me().holding("clinician", "downtown")
 * .until(NOW).build()}, or read from a decision table's role column (see {@link #read}).
 */
final class TestSubjects {

    static final String ME = "me";

    private TestSubjects() {}

    static Builder me() {
        return subject(ME);
    }

    static Builder subject(String id) {
        return new Builder(id);
    }

    /**
     * Reads the role column of a decision table; the subject is {@code me}:
     *
     * <ul>
     *   <li>{@code role} (held tenant-wide) or {@code role@location}, optionally followed by
     *       {@code from T} and/or {@code until T}, where T is {@code now}, {@code now+90s},
     *       {@code now-1h}, {@code now+2d}; several joined by {@code " + "};
     *   <li>optionally ending in {@code ; INVITED}, {@code ; DISABLED}, {@code ; LOCKED} or
     *       {@code ; locked until T};
     *   <li>{@code nothing}: a subject without assignments.
     * </ul>
     */
    static Subject read(String spec, Instant now) {
        String[] parts = spec.strip().split("\\s*;\\s*", 2);
        Builder builder = me();
        if (!parts[0].equals("nothing")) {
            for (String held : parts[0].split("\\s+\\+\\s+")) {
                String[] words = held.strip().split("\\s+");
                String[] roleAt = words[0].split("@", 2);
                if (roleAt.length == 1) {
                    builder.holding(roleAt[0]);
                } else {
                    builder.holding(roleAt[0], roleAt[1]);
                }
                for (int w = 1; w < words.length; w += 2) {
                    Instant time = time(words[w + 1], now);
                    switch (words[w]) {
                        case "from" -> builder.from(time);
                        case "until" -> builder.until(time);
                        default -> throw new IllegalArgumentException("cannot read '" + words[w] + "' in " + spec);
                    }
                }
            }
        }
        if (parts.length == 2) {
            String state = parts[1].strip();
            if (state.startsWith("locked until ")) {
                builder.lockedUntil(time(state.substring("locked until ".length()).strip(), now));
            } else if (state.startsWith("account expires ")) {
                builder.accountExpires(time(state.substring("account expires ".length()).strip(), now));
            } else {
                builder.status(SubjectStatus.valueOf(state.toUpperCase(Locale.ROOT)));
            }
        }
        return builder.build();
    }

    /** {@code now}, or {@code now} plus or minus a number of seconds, minutes, hours or days. */
    static Instant time(String text, Instant now) {
        if (text.equals("now")) {
            return now;
        }
        if (!text.startsWith("now") || text.length() < 6) {
            throw new IllegalArgumentException("a time is now, now+90s, now-1h or now+2d, not " + text);
        }
        long amount = Long.parseLong(text.substring(4, text.length() - 1));
        Duration unit = switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(1);
            case 'm' -> Duration.ofMinutes(1);
            case 'h' -> Duration.ofHours(1);
            case 'd' -> Duration.ofDays(1);
            default -> throw new IllegalArgumentException("unknown time unit in " + text);
        };
        Duration offset = unit.multipliedBy(amount);
        return switch (text.charAt(3)) {
            case '+' -> now.plus(offset);
            case '-' -> now.minus(offset);
            default -> throw new IllegalArgumentException("a time is now+… or now-…, not " + text);
        };
    }

    static final class Builder {
        private final String id;
        private final List<Assignment> assignments = new ArrayList<>();
        private SubjectStatus status = SubjectStatus.ACTIVE;
        private @Nullable Instant lockedUntil;
        private @Nullable Instant accountExpiresAt;

        private Builder(String id) {
            this.id = id;
        }

        /** Holds {@code role} tenant-wide. */
        Builder holding(String role) {
            assignments.add(Assignment.tenantWide(nextId(role, null), role));
            return this;
        }

        /** Holds {@code role} at {@code location} and below it. */
        Builder holding(String role, String location) {
            assignments.add(Assignment.at(nextId(role, location), role, location));
            return this;
        }

        Builder with(Assignment assignment) {
            assignments.add(assignment);
            return this;
        }

        /** The last assignment starts at {@code from} (inclusive). */
        Builder from(Instant from) {
            Assignment last = assignments.removeLast();
            assignments.add(last.during(from, last.expiresAt()));
            return this;
        }

        /** The last assignment ends at {@code until} (exclusive). */
        Builder until(Instant until) {
            Assignment last = assignments.removeLast();
            assignments.add(last.during(last.startsAt(), until));
            return this;
        }

        Builder status(SubjectStatus newStatus) {
            this.status = newStatus;
            return this;
        }

        Builder lockedUntil(Instant until) {
            this.lockedUntil = until;
            return this;
        }

        /** The account itself ends at {@code at} (a contractor's, issue 13). */
        Builder accountExpires(Instant at) {
            this.accountExpiresAt = at;
            return this;
        }

        Subject build() {
            return new Subject(id, status, lockedUntil, assignments, accountExpiresAt);
        }

        /** "clinician@downtown", "owner" (tenant-wide): readable in explanations and failures. */
        private String nextId(String role, @Nullable String location) {
            String base = location == null ? role : role + "@" + location;
            String candidate = base;
            int n = 2;
            while (taken(candidate)) {
                candidate = base + "#" + n++;
            }
            return candidate;
        }

        private boolean taken(String candidate) {
            return assignments.stream().anyMatch(a -> a.id().equals(candidate));
        }
    }
}
