package dev.gatehouse.engine;

import java.util.Objects;
import java.util.regex.Pattern;

/** An entry of a tenant's permission catalog. */
public record Permission(String key, String description, PermissionKind kind) {

    /**
     * Dot-separated segments of letters, digits, {@code _} and {@code -}: {@code patients.read},
     * {@code widgets.dashboard.billing}, and seed 002's upper-case {@code MANAGE_PROVIDERS}.
     */
    private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z][A-Za-z0-9_-]*){0,5}");

    /** {@code *}, or a key prefix followed by {@code .*}. */
    private static final Pattern WILDCARD = Pattern.compile("\\*|[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z][A-Za-z0-9_-]*){0,4}\\.\\*");

    public static final int MAX_KEY_LENGTH = 128;

    public Permission {
        Objects.requireNonNull(key, "key");
        description = description == null ? "" : description;
        Objects.requireNonNull(kind, "kind");
    }

    public static Permission of(String key, String description) {
        return new Permission(key, description, PermissionKind.of(key));
    }

    public static boolean isValidKey(String key) {
        return key.length() <= MAX_KEY_LENGTH && KEY.matcher(key).matches();
    }

    public static boolean isWildcard(String pattern) {
        return pattern.length() <= MAX_KEY_LENGTH && WILDCARD.matcher(pattern).matches();
    }

    /** Whether a grant's permission pattern (a key or a wildcard) covers {@code key}. */
    public static boolean patternCovers(String pattern, String key) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            return key.startsWith(prefix);
        }
        return pattern.equals(key);
    }
}
