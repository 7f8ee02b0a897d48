package dev.gatehouse.server.scim;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2), parsed by recursive descent and
 * evaluated on a resource as SCIM renders it: {@code eq ne co sw ew gt ge lt le pr}, {@code and},
 * {@code or}, {@code not (…)}, parentheses, sub-attributes ({@code name.familyName},
 * {@code emails.value}), value filters ({@code emails[type eq "work"]}) and schema-qualified paths
 * ({@code urn:…:enterprise:2.0:User:employeeNumber}). Attribute names and string comparisons ignore
 * case (RFC 7643 §2.1, caseExact false); dates compare as instants.
 *
 * <p>No maintained Java SCIM filter parser resolves from the registry these machines reach (UnboundID's
 * SCIM 2 SDK is not served, and would bring Jackson 2 beside Spring Boot 4's Jackson 3), so this is
 * the small grammar written out, tested by ScimFilterTest.
 */
final class ScimFilter {

    static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
    static final String ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private static final Set<String> CORE = Set.of(USER_SCHEMA.toLowerCase(Locale.ROOT),
            GROUP_SCHEMA.toLowerCase(Locale.ROOT));
    private static final Pattern NAME = Pattern.compile("[A-Za-z$][A-Za-z0-9_$-]*");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final Set<String> OPERATORS = Set.of("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le");
    private static final int MAX_LENGTH = 2000;
    private static final int MAX_DEPTH = 32;

    private ScimFilter() {}

    /** An attribute: its schema when qualified by a URN other than the core one, its name and sub-attribute. */
    record AttributePath(@Nullable String schema, String attribute, @Nullable String subAttribute) {

        /** The attribute's values in {@code context}: a multi-valued one's elements (their {@code value} without a sub-attribute). */
        List<JsonNode> values(JsonNode context) {
            JsonNode base = schema == null ? context : field(context, schema);
            JsonNode found = field(base, attribute);
            List<JsonNode> values = new ArrayList<>();
            if (found == null || found.isNull()) {
                return values;
            }
            List<JsonNode> elements = found.isArray() ? List.copyOf(found.values()) : List.of(found);
            for (JsonNode element : elements) {
                JsonNode value = subAttribute != null ? field(element, subAttribute)
                        : found.isArray() && element.isObject() ? field(element, "value") : element;
                if (value == null || value.isNull()) {
                    continue;
                }
                if (value.isArray()) {
                    value.values().forEach(values::add);
                } else {
                    values.add(value);
                }
            }
            return values;
        }

        /** The attribute's own node in {@code context} (elements and all), or null. */
        @Nullable JsonNode node(JsonNode context) {
            JsonNode base = schema == null ? context : field(context, schema);
            return field(base, attribute);
        }

        @Override
        public String toString() {
            return (schema == null ? "" : schema + ":") + attribute + (subAttribute == null ? "" : "." + subAttribute);
        }
    }

    /** A parsed filter, true or false of a resource (or, inside brackets, of one element). */
    sealed interface Expression {
        boolean matches(JsonNode context);
    }

    record Comparison(AttributePath path, String operator, JsonNode value) implements Expression {
        @Override
        public boolean matches(JsonNode context) {
            List<JsonNode> values = path.values(context);
            if (operator.equals("ne")) {
                return values.stream().noneMatch(found -> compare(found, "eq", value));
            }
            if (value.isNull()) {
                return operator.equals("eq") && values.isEmpty();
            }
            return values.stream().anyMatch(found -> compare(found, operator, value));
        }
    }

    record Present(AttributePath path) implements Expression {
        @Override
        public boolean matches(JsonNode context) {
            return path.values(context).stream().anyMatch(value -> !(value.isString() && value.asString().isEmpty()));
        }
    }

    /** {@code emails[type eq "work"]}: some element of the attribute matches the inner filter. */
    record ValuePath(AttributePath path, Expression filter) implements Expression {
        @Override
        public boolean matches(JsonNode context) {
            JsonNode found = path.node(context);
            if (found == null) {
                return false;
            }
            List<JsonNode> elements = found.isArray() ? List.copyOf(found.values()) : List.of(found);
            return elements.stream().anyMatch(filter::matches);
        }
    }

    record And(Expression left, Expression right) implements Expression {
        @Override
        public boolean matches(JsonNode context) {
            return left.matches(context) && right.matches(context);
        }
    }

    record Or(Expression left, Expression right) implements Expression {
        @Override
        public boolean matches(JsonNode context) {
            return left.matches(context) || right.matches(context);
        }
    }

    record Not(Expression inner) implements Expression {
        @Override
        public boolean matches(JsonNode context) {
            return !inner.matches(context);
        }
    }

    /** A PATCH path: {@code attr}, {@code attr.sub}, {@code attr[filter]} or {@code attr[filter].sub}. */
    record PatchPath(AttributePath attribute, @Nullable Expression filter, @Nullable String subAttribute) {}

    /** @throws ScimException 400 invalidFilter saying what is wrong where */
    static Expression parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw ScimException.invalidFilter("the filter is longer than " + MAX_LENGTH + " characters");
        }
        Parser parser = new Parser(tokens(text, "invalidFilter"), "invalidFilter");
        Expression expression = parser.or(0);
        parser.end();
        return expression;
    }

    /** @throws ScimException 400 invalidPath saying what is wrong */
    static PatchPath parsePath(String text) {
        String path = text.strip();
        int open = path.indexOf('[');
        if (open < 0) {
            return new PatchPath(attributePath(path, "invalidPath"), null, null);
        }
        int close = path.lastIndexOf(']');
        if (close < open) {
            throw ScimException.invalidPath("the path " + text + " opens a value filter with [ and does not close it");
        }
        AttributePath attribute = attributePath(path.substring(0, open), "invalidPath");
        if (attribute.subAttribute() != null) {
            throw ScimException.invalidPath("a value filter follows an attribute, not a sub-attribute: " + text);
        }
        Parser parser = new Parser(tokens(path.substring(open + 1, close), "invalidPath"), "invalidPath");
        Expression filter = parser.or(0);
        parser.end();
        String rest = path.substring(close + 1);
        String sub = null;
        if (!rest.isEmpty()) {
            if (!rest.startsWith(".") || !NAME.matcher(rest.substring(1)).matches()) {
                throw ScimException.invalidPath("after the value filter only .subAttribute may follow: " + text);
            }
            sub = rest.substring(1);
        }
        return new PatchPath(attribute, filter, sub);
    }

    /** {@code name.familyName}, {@code urn:…:User:userName} (core schema dropped), {@code urn:…:enterprise:2.0:User:manager}. */
    static AttributePath attributePath(String text, String scimType) {
        String path = text.strip();
        String schema = null;
        if (path.regionMatches(true, 0, "urn:", 0, 4)) {
            int colon = path.lastIndexOf(':');
            schema = path.substring(0, colon);
            path = path.substring(colon + 1);
            if (CORE.contains(schema.toLowerCase(Locale.ROOT))) {
                schema = null;
            }
        }
        String attribute = path;
        String sub = null;
        int dot = path.indexOf('.');
        if (dot >= 0) {
            attribute = path.substring(0, dot);
            sub = path.substring(dot + 1);
        }
        if (!NAME.matcher(attribute).matches() || (sub != null && !NAME.matcher(sub).matches())) {
            throw new ScimException(400, scimType, "not an attribute path: " + text);
        }
        return new AttributePath(schema, attribute, sub);
    }

    /** The property of {@code node} named so, ignoring case (RFC 7643 §2.1), or null. */
    static @Nullable JsonNode field(@Nullable JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            if (property.getKey().equalsIgnoreCase(name)) {
                return property.getValue();
            }
        }
        return null;
    }

    private static boolean compare(JsonNode found, String operator, JsonNode wanted) {
        if (found.isBoolean() || wanted.isBoolean()) {
            if (!operator.equals("eq")) {
                throw ScimException.invalidFilter("a boolean compares only with eq or ne");
            }
            return found.asString().equalsIgnoreCase(wanted.asString());
        }
        if (found.isNumber() && wanted.isNumber()) {
            return ordered(operator, found.decimalValue().compareTo(wanted.decimalValue()));
        }
        if (!found.isValueNode() || !wanted.isValueNode()) {
            return false;
        }
        String have = found.asString().toLowerCase(Locale.ROOT);
        String want = wanted.asString().toLowerCase(Locale.ROOT);
        return switch (operator) {
            case "eq" -> have.equals(want);
            case "co" -> have.contains(want);
            case "sw" -> have.startsWith(want);
            case "ew" -> have.endsWith(want);
            default -> {
                Instant haveInstant = instant(have);
                Instant wantInstant = instant(want);
                yield ordered(operator, haveInstant != null && wantInstant != null ? haveInstant.compareTo(wantInstant)
                        : have.compareTo(want));
            }
        };
    }

    private static boolean ordered(String operator, int order) {
        return switch (operator) {
            case "eq" -> order == 0;
            case "gt" -> order > 0;
            case "ge" -> order >= 0;
            case "lt" -> order < 0;
            case "le" -> order <= 0;
            default -> throw ScimException.invalidFilter(operator + " compares text, not numbers");
        };
    }

    private static @Nullable Instant instant(String text) {
        try {
            return Instant.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private enum Kind { OPEN, CLOSE, OPEN_BRACKET, CLOSE_BRACKET, STRING, WORD }

    private record Token(Kind kind, String text, int at) {}

    private static List<Token> tokens(String text, String scimType) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == '[' || c == ']') {
                Kind kind = c == '(' ? Kind.OPEN : c == ')' ? Kind.CLOSE : c == '[' ? Kind.OPEN_BRACKET : Kind.CLOSE_BRACKET;
                tokens.add(new Token(kind, String.valueOf(c), i));
                i++;
            } else if (c == '"') {
                StringBuilder value = new StringBuilder();
                int start = i++;
                boolean closed = false;
                while (i < text.length()) {
                    char d = text.charAt(i++);
                    if (d == '"') {
                        closed = true;
                        break;
                    }
                    if (d == '\\' && i < text.length()) {
                        char escaped = text.charAt(i++);
                        switch (escaped) {
                            case 'n' -> value.append('\n');
                            case 't' -> value.append('\t');
                            case 'r' -> value.append('\r');
                            case 'b' -> value.append('\b');
                            case 'f' -> value.append('\f');
                            case 'u' -> {
                                if (i + 4 > text.length()) {
                                    throw new ScimException(400, scimType, "a \\u escape needs four hex digits");
                                }
                                try {
                                    value.append((char) Integer.parseInt(text.substring(i, i + 4), 16));
                                } catch (NumberFormatException e) {
                                    throw new ScimException(400, scimType, "a \\u escape needs four hex digits");
                                }
                                i += 4;
                            }
                            default -> value.append(escaped);
                        }
                    } else {
                        value.append(d);
                    }
                }
                if (!closed) {
                    throw new ScimException(400, scimType, "the string opened at character " + (start + 1)
                            + " is not closed");
                }
                tokens.add(new Token(Kind.STRING, value.toString(), start));
            } else {
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && "()[]\"".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, text.substring(start, i), start));
            }
        }
        return tokens;
    }

    private static final class Parser {

        private final List<Token> tokens;
        private final String scimType;
        private int next;

        Parser(List<Token> tokens, String scimType) {
            this.tokens = tokens;
            this.scimType = scimType;
        }

        Expression or(int depth) {
            Expression left = and(depth);
            while (keyword("or")) {
                next++;
                left = new Or(left, and(depth));
            }
            return left;
        }

        private Expression and(int depth) {
            Expression left = unary(depth);
            while (keyword("and")) {
                next++;
                left = new And(left, unary(depth));
            }
            return left;
        }

        private Expression unary(int depth) {
            if (depth > MAX_DEPTH) {
                throw fail("the filter nests deeper than " + MAX_DEPTH + " levels");
            }
            if (keyword("not") && next + 1 < tokens.size() && tokens.get(next + 1).kind() == Kind.OPEN) {
                next += 2;
                Expression inner = or(depth + 1);
                expect(Kind.CLOSE, "a closing parenthesis");
                return new Not(inner);
            }
            if (peek(Kind.OPEN)) {
                next++;
                Expression inner = or(depth + 1);
                expect(Kind.CLOSE, "a closing parenthesis");
                return inner;
            }
            Token word = expect(Kind.WORD, "an attribute");
            AttributePath path = attributePath(word.text(), scimType);
            if (peek(Kind.OPEN_BRACKET)) {
                next++;
                Expression inner = or(depth + 1);
                expect(Kind.CLOSE_BRACKET, "a closing bracket");
                return new ValuePath(path, inner);
            }
            Token operator = expect(Kind.WORD, "an operator after " + word.text());
            String op = operator.text().toLowerCase(Locale.ROOT);
            if (op.equals("pr")) {
                return new Present(path);
            }
            if (!OPERATORS.contains(op)) {
                throw fail("unknown operator " + operator.text() + " at character " + (operator.at() + 1)
                        + "; one of eq, ne, co, sw, ew, gt, ge, lt, le, pr");
            }
            return new Comparison(path, op, value());
        }

        private JsonNode value() {
            if (next >= tokens.size()) {
                throw fail("the filter ends where a value was expected");
            }
            Token token = tokens.get(next++);
            if (token.kind() == Kind.STRING) {
                return JsonNodeFactory.instance.stringNode(token.text());
            }
            if (token.kind() == Kind.WORD) {
                String word = token.text();
                if (word.equalsIgnoreCase("true") || word.equalsIgnoreCase("false")) {
                    return JsonNodeFactory.instance.booleanNode(word.equalsIgnoreCase("true"));
                }
                if (word.equalsIgnoreCase("null")) {
                    return JsonNodeFactory.instance.nullNode();
                }
                if (NUMBER.matcher(word).matches()) {
                    return JsonNodeFactory.instance.numberNode(new BigDecimal(word));
                }
            }
            throw fail("expected a value (a \"string\", a number, true, false or null) at character " + (token.at() + 1));
        }

        void end() {
            if (next < tokens.size()) {
                throw fail("unexpected " + tokens.get(next).text() + " at character " + (tokens.get(next).at() + 1));
            }
        }

        private boolean keyword(String word) {
            return next < tokens.size() && tokens.get(next).kind() == Kind.WORD
                    && tokens.get(next).text().equalsIgnoreCase(word);
        }

        private boolean peek(Kind kind) {
            return next < tokens.size() && tokens.get(next).kind() == kind;
        }

        private Token expect(Kind kind, String what) {
            if (next >= tokens.size()) {
                throw fail("the filter ends where " + what + " was expected");
            }
            Token token = tokens.get(next);
            if (token.kind() != kind) {
                throw fail("expected " + what + " at character " + (token.at() + 1) + ", found " + token.text());
            }
            next++;
            return token;
        }

        private ScimException fail(String detail) {
            return new ScimException(400, scimType, detail);
        }
    }
}
