package dev.gatehouse.server.signup;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A domain mapping's pattern: an exact domain ({@code clinic.org}) or every subdomain of one
 * ({@code *.clinic.org}, which does not match {@code clinic.org} itself, as in TLS certificates).
 * Stored lower case. A wildcard over a bare top-level domain ({@code *.com}) is refused: it would
 * claim half the internet's addresses.
 *
 * @param text the pattern as stored
 */
record DomainPattern(String text) {

    /** RFC 1035 labels (letters, digits, inner hyphens); the top level is letters or an IDN (xn--). */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern TOP_LEVEL = Pattern.compile("[a-z]{2,63}|xn--[a-z0-9-]{1,59}");

    /** The pattern {@code text} names, or empty when it is not one (the caller names the field). */
    static Optional<DomainPattern> parse(String text) {
        String pattern = text.strip().toLowerCase(Locale.ROOT);
        boolean wildcard = pattern.startsWith("*.");
        String domain = wildcard ? pattern.substring(2) : pattern;
        if (domain.isEmpty() || domain.length() > 253) {
            return Optional.empty();
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        return TOP_LEVEL.matcher(labels[labels.length - 1]).matches() ? Optional.of(new DomainPattern(pattern))
                : Optional.empty();
    }

    boolean wildcard() {
        return text.startsWith("*.");
    }

    /** Whether the domain of an e-mail address (lower case) is this pattern's. */
    boolean matches(String domain) {
        return wildcard() ? domain.endsWith(text.substring(1)) : domain.equals(text);
    }

    /**
     * How specific the pattern is: an exact domain beats any wildcard, and a longer wildcard a
     * shorter one ({@code *.north.clinic.org} before {@code *.clinic.org}).
     */
    int specificity() {
        return wildcard() ? text.length() : 1000 + text.length();
    }

    /** The patterns that could match {@code domain}, for the lookup by pattern: itself and each parent's wildcard. */
    static java.util.List<String> candidates(String domain) {
        java.util.List<String> candidates = new java.util.ArrayList<>();
        candidates.add(domain);
        int dot = domain.indexOf('.');
        while (dot >= 0 && dot < domain.length() - 1) {
            candidates.add("*" + domain.substring(dot));
            dot = domain.indexOf('.', dot + 1);
        }
        return candidates;
    }
}
