package dev.gatehouse.server.access;

import dev.gatehouse.engine.DecisionView;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The check API's answer ({@link DecisionView}) as UTF-8 JSON, written by hand for the lean path
 * ({@link LeanCheckFilter}): through the generic mapper the answer cost a check as much CPU as its
 * decision (docs/benchmarks.md, "Branch check12"). It writes the bytes the application's mapper
 * writes — properties in declaration order and nulls left out ({@code default-property-inclusion=non_null}),
 * maps in their own order, instants in ISO-8601, Jackson's escapes — which DecisionJsonIT holds it
 * to for every reason. Where it meets anything else (a value of another type, a null in a map, a
 * character outside the Basic Multilingual Plane) it answers null and the caller asks the mapper.
 */
final class DecisionJson {

    /** Jackson's escapes below 0x80: 0 none, 'u' the six-character hex escape, any other a backslash and it. */
    private static final byte[] ESCAPES = new byte[128];
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = 'u';
        }
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
    }

    private byte[] bytes = new byte[512];
    private int length;
    private boolean unsupported;

    private DecisionJson() {}

    /** The answer's JSON, or null where only the mapper may write it. */
    static byte @Nullable [] write(DecisionView view) {
        DecisionJson out = new DecisionJson();
        out.ascii("{\"allowed\":");
        out.ascii(view.allowed() ? "true" : "false");
        out.ascii(",\"reason\":");
        out.map(view.reason());
        if (view.via() != null) {
            DecisionView.Via via = view.via();
            out.ascii(",\"via\":{\"role\":");
            out.string(via.role());
            out.ascii(",\"assignment\":");
            out.assignment(via.assignment());
            out.ascii(",\"grant\":{\"permission\":");
            out.string(via.grant().permission());
            out.ascii(",\"scope\":");
            out.string(via.grant().scope());
            if (via.grant().condition() != null) {
                out.ascii(",\"condition\":");
                out.string(via.grant().condition());
            }
            out.ascii("},\"declaredBy\":");
            out.string(via.declaredBy());
            out.raw('}');
        }
        if (view.fields() != null) {
            DecisionView.FieldsView fields = view.fields();
            out.ascii(",\"fields\":{\"allowed\":");
            out.list(fields.allowed());
            out.ascii(",\"denied\":");
            out.list(fields.denied());
            out.ascii(",\"reasons\":");
            out.map(fields.reasons());
            out.raw('}');
        }
        out.raw('}');
        return out.unsupported ? null : Arrays.copyOf(out.bytes, out.length);
    }

    private void assignment(DecisionView.AssignmentView assignment) {
        ascii("{\"id\":");
        string(assignment.id());
        ascii(",\"role\":");
        string(assignment.role());
        if (assignment.location() != null) {
            ascii(",\"location\":");
            string(assignment.location());
        }
        if (assignment.startsAt() != null) {
            ascii(",\"startsAt\":");
            string(assignment.startsAt().toString());
        }
        if (assignment.expiresAt() != null) {
            ascii(",\"expiresAt\":");
            string(assignment.expiresAt().toString());
        }
        ascii(",\"source\":");
        string(assignment.source());
        raw('}');
    }

    private void value(@Nullable Object value) {
        switch (value) {
            case String text -> string(text);
            case Instant instant -> string(instant.toString());
            case Map<?, ?> map -> map(map);
            case DecisionView.AssignmentView assignment -> assignment(assignment);
            case null, default -> unsupported = true;
        }
    }

    private void map(Map<?, ?> map) {
        raw('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                unsupported = true;
                return;
            }
            if (!first) {
                raw(',');
            }
            first = false;
            string(key);
            raw(':');
            value(entry.getValue());
        }
        raw('}');
    }

    private void list(List<String> texts) {
        raw('[');
        for (int i = 0; i < texts.size(); i++) {
            if (i > 0) {
                raw(',');
            }
            value(texts.get(i));
        }
        raw(']');
    }

    private void string(String text) {
        room(text.length() * 6 + 2);
        bytes[length++] = '"';
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                byte escape = ESCAPES[c];
                if (escape == 0) {
                    bytes[length++] = (byte) c;
                } else if (escape == 'u') {
                    bytes[length++] = '\\';
                    bytes[length++] = 'u';
                    bytes[length++] = '0';
                    bytes[length++] = '0';
                    bytes[length++] = HEX[c >> 4];
                    bytes[length++] = HEX[c & 0xF];
                } else {
                    bytes[length++] = '\\';
                    bytes[length++] = escape;
                }
            } else if (c < 0x800) {
                bytes[length++] = (byte) (0xC0 | c >> 6);
                bytes[length++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                // Pairs and lone halves: the mapper's rules, not worth repeating here.
                unsupported = true;
                return;
            } else {
                bytes[length++] = (byte) (0xE0 | c >> 12);
                bytes[length++] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[length++] = (byte) (0x80 | c & 0x3F);
            }
        }
        bytes[length++] = '"';
    }

    /** Text known to need no escaping. */
    private void ascii(String text) {
        room(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    private void raw(char c) {
        room(1);
        bytes[length++] = (byte) c;
    }

    private void room(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
