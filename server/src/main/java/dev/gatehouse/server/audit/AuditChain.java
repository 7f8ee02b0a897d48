package dev.gatehouse.server.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hash chain of a tenant's audit events (docs/audit.md). Each event's hash is SHA-256 over its
 * canonical form followed by the previous event's hash; the first event of a tenant follows
 * {@link #ZERO}. The canonical form is length-prefixed, so no two different events share one.
 */
final class AuditChain {

    /** The "previous hash" of a tenant's first event. */
    static final byte[] ZERO = new byte[32];

    private static final int VERSION = 1;

    /** Times are hashed and stored with exactly microsecond precision, what PostgreSQL keeps. */
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** Control characters (CR, LF, NUL, ESC, DEL, C1, line/paragraph separators) in free text. */
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\u2028\\u2029]");
    private static final char LINE_SEPARATOR = 0x2028;
    private static final char PARAGRAPH_SEPARATOR = 0x2029;

    /** Floats as BigDecimal, so what PostgreSQL stores in jsonb reads back to the same digits. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** An event's content as stored and hashed. */
    record Content(UUID tenant, long seq, Instant at, String action, @Nullable UUID actorId,
            @Nullable String actorUsername, List<String> actorRoles, @Nullable String targetType,
            @Nullable String targetId, @Nullable String targetName, @Nullable String ip,
            @Nullable String userAgent, String details) {}

    private AuditChain() {}

    /** A time as hashed: UTC, exactly six fractional digits. */
    static String format(Instant at) {
        return AT.format(at);
    }

    static Instant truncate(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Free text without control characters, each replaced by a space: a CR or LF in a username or
     * user agent could otherwise forge a line in a log or an export.
     */
    static @Nullable String clean(@Nullable String text) {
        if (text == null || !hasControl(text)) {
            return text; // the common case: every string of every event passes here, most of them clean
        }
        return CONTROL.matcher(text).replaceAll(" ");
    }

    /** Whether {@code text} holds a character {@link #CONTROL} matches (all of them are in the BMP). */
    private static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.getType(c) == Character.CONTROL || c == LINE_SEPARATOR || c == PARAGRAPH_SEPARATOR) {
                return true;
            }
        }
        return false;
    }

    /** Details as canonical JSON: keys sorted, numbers plain, strings cleaned of control characters. */
    static String canonicalDetails(Map<String, ?> details) {
        return canonicalJson(JSON.writeValueAsString(details));
    }

    /** Any JSON text (as jsonb returns it) in canonical form. */
    static String canonicalJson(String json) {
        StringBuilder out = new StringBuilder();
        write(JSON.readTree(json), out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(node.properties());
            entries.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < entries.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(JSON.writeValueAsString(clean(entries.get(i).getKey())));
                out.append(':');
                write(entries.get(i).getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            int i = 0;
            for (JsonNode element : node.values()) {
                if (i++ > 0) {
                    out.append(',');
                }
                write(element, out);
            }
            out.append(']');
        } else if (node.isString()) {
            out.append(JSON.writeValueAsString(clean(node.stringValue())));
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isNumber()) {
            out.append(node.decimalValue().toPlainString());
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else {
            out.append("null");
        }
    }

    /** The unambiguous byte form of an event: every field length-prefixed, absent fields marked. */
    static byte[] canonical(Content event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(VERSION);
        field(out, event.tenant().toString());
        field(out, Long.toString(event.seq()));
        field(out, format(event.at()));
        field(out, event.action());
        field(out, event.actorId() == null ? null : event.actorId().toString());
        field(out, event.actorUsername());
        length(out, event.actorRoles().size());
        for (String role : event.actorRoles()) {
            field(out, role);
        }
        field(out, event.targetType());
        field(out, event.targetId());
        field(out, event.targetName());
        field(out, event.ip());
        field(out, event.userAgent());
        field(out, event.details());
        return out.toByteArray();
    }

    /** SHA-256 over the canonical form followed by the previous hash. */
    static byte[] hash(Content event, byte[] previous) {
        MessageDigest sha256 = sha256();
        sha256.update(canonical(event));
        sha256.update(previous);
        return sha256.digest();
    }

    private static void field(ByteArrayOutputStream out, @Nullable String value) {
        if (value == null) {
            out.write(0);
            return;
        }
        out.write(1);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        length(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void length(ByteArrayOutputStream out, int length) {
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }
}
