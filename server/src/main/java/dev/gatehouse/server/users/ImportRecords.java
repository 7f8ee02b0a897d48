package dev.gatehouse.server.users;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The lines of an NDJSON import body, read as they arrive with a fixed buffer, so that a file of a
 * million lines takes no more memory than one. Each line is parsed on its own so that a broken
 * line is an error of that line, not of the file. A line longer than {@link #MAX_RECORD} characters
 * and text that is not UTF-8 stop the reading with a {@link Malformed}. (CSV: {@link CsvRecords}.)
 */
final class ImportRecords implements AutoCloseable {

    /** The longest line (CSV: record) taken, in characters; a user object is far shorter. */
    static final int MAX_RECORD = 64 * 1024;

    /** Why the body cannot be read on: {@code tooLong} marks a record beyond {@link #MAX_RECORD}. */
    static final class Malformed extends Exception {
        private final boolean tooLong;

        Malformed(String message, boolean tooLong) {
            super(message);
            this.tooLong = tooLong;
        }

        boolean tooLong() {
            return tooLong;
        }
    }

    private final Reader in;
    private final char[] buffer = new char[16 * 1024];
    private int position;
    private int limit;
    private boolean ended;
    private final StringBuilder current = new StringBuilder(256);

    ImportRecords(InputStream body) {
        this.in = new InputStreamReader(body, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    /** The next line without its line break ({@code \n} or {@code \r\n}), or null at the end. */
    @Nullable String nextLine() throws IOException, Malformed {
        current.setLength(0);
        int c = read();
        if (c < 0) {
            return null;
        }
        while (c >= 0 && c != '\n') {
            append((char) c);
            c = read();
        }
        int length = current.length();
        if (length > 0 && current.charAt(length - 1) == '\r') {
            current.setLength(length - 1);
        }
        return current.toString();
    }

    private void append(char c) throws Malformed {
        if (current.length() >= MAX_RECORD) {
            throw new Malformed("a line is longer than " + MAX_RECORD + " characters", true);
        }
        current.append(c);
    }

    private int read() throws IOException, Malformed {
        if (position == limit) {
            if (ended) {
                return -1;
            }
            try {
                limit = in.read(buffer, 0, buffer.length);
            } catch (CharacterCodingException e) {
                throw new Malformed("the body is not UTF-8 text", false);
            }
            position = 0;
            if (limit <= 0) {
                limit = 0;
                ended = true;
                return -1;
            }
        }
        return buffer[position++];
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
