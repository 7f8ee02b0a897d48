package dev.gatehouse.server.compliance;

import dev.gatehouse.server.users.UserExport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A report as CSV (RFC 4180): the header's label/value lines, an empty line, then the column names
 * and one line per row. Cells are defused against spreadsheet formulas as the users export does,
 * since usernames, record ids and user agents are chosen by others.
 */
final class CsvReport {

    private CsvReport() {}

    static void write(ReportHeader header, ReportRows rows, OutputStream stream) {
        Writer out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
        header.lines().forEach(line -> line(out, line));
        append(out, "\r\n");
        line(out, header.type().columns());
        rows.forEach(row -> line(out, row));
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void line(Writer out, List<String> cells) {
        append(out, cells.stream().map(UserExport::cell).collect(Collectors.joining(",")) + "\r\n");
    }

    private static void append(Writer out, String text) {
        try {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
