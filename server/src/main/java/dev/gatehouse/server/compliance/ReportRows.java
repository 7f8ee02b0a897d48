package dev.gatehouse.server.compliance;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A report's rows on their way to the file: written to a temporary file as they stream from the
 * trail and read back once the summary (counted while writing) is known, because the summary heads
 * the report. Memory holds one row at a time, however many the report has.
 */
final class ReportRows implements AutoCloseable {

    /** A cell longer than this is cut: a report row is evidence to read, not a document store. */
    static final int MAX_CELL = 2000;

    private final Path file;
    private final DataOutputStream out;
    private final int columns;
    private final Map<String, Long> summary = new LinkedHashMap<>();
    private long count;
    private boolean closedForWriting;

    ReportRows(int columns) {
        this.columns = columns;
        try {
            this.file = Files.createTempFile("gatehouse-report-", ".rows");
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends one row of exactly {@code columns} cells. */
    void add(List<String> cells) {
        if (cells.size() != columns) {
            throw new IllegalArgumentException("a row of " + cells.size() + " cells for " + columns + " columns");
        }
        try {
            for (String cell : cells) {
                out.writeUTF(cell.length() > MAX_CELL ? cell.substring(0, MAX_CELL) + "…" : cell);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        count++;
    }

    /** Adds {@code by} to the summary figure {@code name} (shown in the report's header, in first-counted order). */
    void count(String name, long by) {
        summary.merge(name, by, Long::sum);
    }

    /** Sets a summary figure that is known rather than counted, keeping its place. */
    void figure(String name, long value) {
        summary.put(name, value);
    }

    long size() {
        return count;
    }

    Map<String, Long> summary() {
        return new LinkedHashMap<>(summary);
    }

    /** Reads the rows back in the order written; writing has ended. */
    void forEach(Consumer<List<String>> sink) {
        try {
            if (!closedForWriting) {
                out.close();
                closedForWriting = true;
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                for (long row = 0; row < count; row++) {
                    List<String> cells = new ArrayList<>(columns);
                    for (int i = 0; i < columns; i++) {
                        cells.add(in.readUTF());
                    }
                    sink.accept(cells);
                }
            } catch (EOFException e) {
                throw new IllegalStateException("the report's rows file ended early", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (!closedForWriting) {
                out.close();
                closedForWriting = true;
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
