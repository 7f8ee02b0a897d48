package dev.gatehouse.server.audittrail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/** Writes exported events as CSV (RFC 4180, with a header) or JSON Lines, one event at a time. */
final class AuditExport {

    enum Format {
        CSV("text/csv", "csv"), JSONL("application/jsonl", "jsonl");

        final String mediaType;
        final String extension;

        Format(String mediaType, String extension) {
            this.mediaType = mediaType;
            this.extension = extension;
        }
    }

    static final List<String> CSV_COLUMNS = List.of("seq", "at", "action", "actor_id", "actor_username",
            "actor_roles", "target_type", "target_id", "target_name", "ip", "user_agent", "details");

    private final Format format;
    private final Writer out;
    private final JsonMapper json = JsonMapper.builder().build();

    AuditExport(Format format, Writer out) {
        this.format = format;
        this.out = out;
    }

    void header() {
        if (format == Format.CSV) {
            List<String> names = new ArrayList<>(CSV_COLUMNS);
            names.addAll(AuditQueries.chainColumnNames());
            line(names);
        }
    }

    void write(AuditQueries.Row row) {
        AuditQueries.Event e = row.event();
        if (format == Format.JSONL) {
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("seq", e.seq());
            object.put("at", e.at().toString());
            object.put("action", e.action());
            object.put("actor", e.actor());
            object.put("target", e.target());
            object.put("ip", e.ip());
            object.put("userAgent", e.userAgent());
            object.put("details", e.details());
            List<String> names = AuditQueries.chainColumnNames();
            for (int i = 0; i < names.size(); i++) {
                object.put(names.get(i), row.chain().get(i));
            }
            append(json.writeValueAsString(object));
            append("\n");
            return;
        }
        List<String> cells = new ArrayList<>(List.of(Long.toString(e.seq()), e.at().toString(), e.action(),
                text(e.actor().id()), text(e.actor().username()), String.join(" ", e.actor().roles()),
                text(e.target() == null ? null : e.target().type()), text(e.target() == null ? null : e.target().id()),
                text(e.target() == null ? null : e.target().name()), text(e.ip()), text(e.userAgent()),
                json.writeValueAsString(e.details())));
        cells.addAll(row.chain());
        line(cells);
    }

    private void line(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(csvCell(cells.get(i)));
        }
        append(line.append("\r\n").toString());
    }

    /**
     * One CSV cell: a value a spreadsheet would run as a formula (starting with =, +, -, @, tab or
     * carriage return) gets a leading apostrophe, because actors and user agents are attacker-chosen
     * text; then RFC 4180 quoting when the value holds a comma, quote or line break.
     */
    static String csvCell(String value) {
        String cell = value;
        if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
            cell = "'" + cell;
        }
        if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
            cell = '"' + cell.replace("\"", "\"\"") + '"';
        }
        return cell;
    }

    private static String text(@Nullable String value) {
        return value == null ? "" : value;
    }

    private void append(String text) {
        try {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
