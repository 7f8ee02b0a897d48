package dev.gatehouse.server.database;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.stereotype.Component;

/**
 * Writes many rows into one table with PostgreSQL's {@code COPY … FROM STDIN} through PgJDBC's
 * {@code CopyManager}, on the connection of the current transaction (the rows commit or roll back
 * with it). For the bulk paths (issue 17: the user import, its assignments and audit events): a copy
 * skips the parsing and planning of an {@code insert} of a JSON document or arrays per batch, and
 * the JSON text the JVM would build for it. Triggers, constraints and foreign keys apply as to an
 * insert. Values are written in COPY's text format: {@code null} as {@code \N}; text escaped;
 * a {@code Collection} as an array literal; a {@code byte[]} as {@code bytea} hex.
 */
@Component
public class CopyRows {

    private static final HexFormat HEX = HexFormat.of();

    private final DataSource dataSource;
    private final SQLErrorCodeSQLExceptionTranslator errors;

    CopyRows(DataSource dataSource) {
        this.dataSource = dataSource;
        this.errors = new SQLErrorCodeSQLExceptionTranslator(dataSource);
    }

    /**
     * Copies {@code rows} (each the values of {@code columns}, in order) into {@code table}; answers
     * the number of rows written.
     *
     * @throws DataAccessException as an insert would: a unique or foreign key violated, and so on
     */
    public long copy(String table, List<String> columns, Iterable<@Nullable Object[]> rows) {
        StringBuilder text = new StringBuilder(256);
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    text.append('\t');
                }
                value(text, row[i]);
            }
            text.append('\n');
        }
        String sql = "copy " + table + " (" + String.join(", ", columns) + ") from stdin";
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(text.toString()));
        } catch (SQLException e) {
            throw errors.translate("copy into " + table, sql, e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("copy into " + table + " failed", e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    private static void value(StringBuilder out, @Nullable Object value) {
        switch (value) {
            case null -> out.append("\\N");
            case byte[] bytes -> out.append("\\\\x").append(HEX.formatHex(bytes));
            case Collection<?> items -> escaped(out, array(items));
            case String text -> escaped(out, text);
            case UUID id -> out.append(id);
            case Number number -> out.append(number);
            case Boolean flag -> out.append(flag);
            case Instant instant -> out.append(instant);
            default -> escaped(out, value.toString());
        }
    }

    /** An array literal of text: every element quoted, a quote or backslash in it escaped. */
    private static String array(Collection<?> items) {
        StringBuilder literal = new StringBuilder("{");
        for (Object item : items) {
            if (literal.length() > 1) {
                literal.append(',');
            }
            if (item == null) {
                literal.append("NULL");
                continue;
            }
            literal.append('"');
            String text = item.toString();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"' || c == '\\') {
                    literal.append('\\');
                }
                literal.append(c);
            }
            literal.append('"');
        }
        return literal.append('}').toString();
    }

    /** COPY's text format: a backslash, tab, line feed or carriage return in a value is escaped. */
    private static void escaped(StringBuilder out, String text) {
        if (!needsEscape(text)) {
            out.append(text); // the common case, appended whole rather than character by character
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }

    private static boolean needsEscape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }
}
