package dev.gatehouse.server.ldap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One person as the directory has them: the entry's DN, a subject that survives renames and moves
 * ({@code entryUUID}, AD's {@code objectGUID}, else the DN), the mapped attributes, the groups
 * they are in (each as its DN and its common name, so a mapping may name either) and whether the
 * directory has disabled them.
 */
record DirectoryEntry(String dn, String subject, @Nullable String username, @Nullable String email,
        @Nullable String firstName, @Nullable String lastName, List<String> groups, boolean disabled) {

    DirectoryEntry {
        groups = List.copyOf(groups);
    }

    /** What a sync compares with the last run to count an entry as updated or unchanged. */
    String fingerprint() {
        String text = String.join("\u0000", dn, nullable(username), nullable(email), nullable(firstName),
                nullable(lastName), String.join("\u0001", groups.stream().sorted().toList()), String.valueOf(disabled));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String nullable(@Nullable String value) {
        return value == null ? "\u0002" : value;
    }
}
