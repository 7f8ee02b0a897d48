package dev.gatehouse.server.accessreviews;

import dev.gatehouse.server.users.UserExport;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** A campaign's report as CSV, for the API and the console's download alike: one line per item. */
public final class ReportCsv {

    private ReportCsv() {}

    /** Cells quoted (RFC 4180) and defused against spreadsheet formulas, as the users export does. */
    public static String of(ReviewViews.Report report) {
        StringBuilder out = new StringBuilder();
        line(out, List.of("campaign", "user", "username", "role", "location", "assignmentId", "reviewer", "decision",
                "defaulted", "decidedBy", "decidedAt", "outcome", "note"));
        for (ReviewViews.ItemView item : report.items()) {
            line(out, List.of(report.review().name(), item.user(), item.username(), item.role(),
                    text(item.location()), item.assignmentId(), text(item.reviewerName()), text(item.decision()),
                    String.valueOf(item.defaulted()), text(item.decidedByName()), text(item.decidedAt()),
                    text(item.outcome()), text(item.note())));
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        out.append(cells.stream().map(UserExport::cell).collect(Collectors.joining(","))).append("\r\n");
    }

    private static String text(@Nullable Object value) {
        return value == null ? "" : value instanceof Instant instant ? instant.toString() : value.toString();
    }
}
