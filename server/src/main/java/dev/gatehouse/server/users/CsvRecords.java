package dev.gatehouse.server.users;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.dataformat.csv.CsvFactory;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;

/**
 * The records of a CSV import body (RFC 4180, docs/user-import.md), read as they arrive by
 * Jackson's CSV parser token by token, so that a file of a million lines takes no more memory than
 * one record. Without a schema the parser gives each record as an array of its fields; blank lines
 * are skipped. A record longer than {@link ImportRecords#MAX_RECORD} characters (a field longer
 * than that is refused by the parser's string limit before it is buffered whole), a quoted field
 * never closed, text after a closing quote and text that is not UTF-8 stop the reading with an
 * {@link ImportRecords.Malformed}.
 */
final class CsvRecords implements AutoCloseable {

    private static final CsvMapper CSV = CsvMapper.builder(CsvFactory.builder()
                    .enable(CsvReadFeature.SKIP_EMPTY_LINES)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(ImportRecords.MAX_RECORD).build())
                    .build())
            .build();

    private final JsonParser parser;

    CsvRecords(InputStream body) {
        // Our own decoder, so that bytes that are not UTF-8 are an error rather than replaced.
        this.parser = CSV.createParser(new InputStreamReader(body, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
    }

    /** The fields of the next record, or null at the end of the body. */
    @Nullable List<String> next() throws IOException, ImportRecords.Malformed {
        try {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return null;
            }
            long start = parser.currentTokenLocation().getCharOffset();
            List<String> fields = new ArrayList<>(8);
            while (parser.nextToken() == JsonToken.VALUE_STRING) {
                fields.add(parser.getString());
                if (parser.currentLocation().getCharOffset() - start > ImportRecords.MAX_RECORD) {
                    throw tooLong();
                }
            }
            return fields;
        } catch (StreamConstraintsException e) {
            throw tooLong();
        } catch (JacksonIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw new ImportRecords.Malformed("the body is not UTF-8 text", false);
            }
            throw e.getCause() == null ? new IOException(e) : e.getCause();
        } catch (JacksonException e) {
            // A quoted field never closed, or text after a closing quote.
            throw new ImportRecords.Malformed("not CSV: " + e.getOriginalMessage()
                    + " (a field holding a comma, a quote or a line break is quoted, a quote inside doubled)", false);
        }
    }

    private static ImportRecords.Malformed tooLong() {
        return new ImportRecords.Malformed("a record is longer than " + ImportRecords.MAX_RECORD + " characters",
                true);
    }

    @Override
    public void close() {
        parser.close();
    }
}
