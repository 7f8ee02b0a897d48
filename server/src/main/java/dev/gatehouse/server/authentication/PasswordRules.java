package dev.gatehouse.server.authentication;

import dev.gatehouse.server.settings.TenantSettings;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rules of a tenant's password policy applied to one candidate password, without Spring or a
 * database: length, composition, blocklist, context words and the strength estimate (with
 * {@code blockCommon}, like the blocklist: both refuse what attackers try first). History needs the stored hashes and
 * lives in {@link PasswordPolicy}.
 */
final class PasswordRules {

    /** A context word shorter than this is too common inside ordinary words to reject on. */
    static final int MIN_CONTEXT_WORD = 4;

    /** A failed rule: its name as in the settings ({@code minLength}, {@code blocklist}) and why. */
    record Violation(String rule, String message) {}

    private PasswordRules() {}

    /**
     * NIST SP 800-63B rev 4 §3.1.1.2: Unicode passwords are normalised with NFKC before they are
     * counted, compared and hashed, so that the same password typed on two keyboards is the same.
     */
    static String normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    static int length(String normalized) {
        return normalized.codePointCount(0, normalized.length());
    }

    /** Folds a normalised password or word for the case-insensitive blocklist and context comparisons. */
    static String fold(String normalized) {
        return normalized.toLowerCase(Locale.ROOT);
    }

    /** The first rule {@code password} breaks, in the order the rules are listed in the settings. */
    static Optional<Violation> check(String password, TenantSettings.PasswordPolicy settings, Blocklist blocklist, Set<String> context) {
        return check(password, settings, blocklist, context, List.of());
    }

    /**
     * As {@link #check(String, TenantSettings.PasswordPolicy, Blocklist, Set)}; {@code names} (the user's first and last
     * name) count as the user's own words for the strength estimate only.
     */
    static Optional<Violation> check(String password, TenantSettings.PasswordPolicy settings, Blocklist blocklist, Set<String> context,
            List<@Nullable String> names) {
        String normalized = normalize(password);
        int length = length(normalized);
        if (length > Passwords.MAX_LENGTH) {
            return violation("maxLength", "must be at most " + Passwords.MAX_LENGTH + " characters");
        }
        if (length < settings.minLength()) {
            return violation("minLength", "must be at least " + settings.minLength() + " characters, counted as"
                    + " Unicode code points");
        }
        if (settings.requireUpper() && normalized.codePoints().noneMatch(Character::isUpperCase)) {
            return violation("requireUpper", "must contain an upper-case letter");
        }
        if (settings.requireLower() && normalized.codePoints().noneMatch(Character::isLowerCase)) {
            return violation("requireLower", "must contain a lower-case letter");
        }
        if (settings.requireDigit() && normalized.codePoints().noneMatch(Character::isDigit)) {
            return violation("requireDigit", "must contain a digit");
        }
        if (settings.requireSymbol() && normalized.codePoints().allMatch(Character::isLetterOrDigit)) {
            return violation("requireSymbol", "must contain a symbol (anything but a letter or digit)");
        }
        String folded = fold(normalized);
        if (settings.blockCommon() && blocklist.contains(folded)) {
            return violation("blocklist", "is a commonly used or breached password; choose another");
        }
        if (length(withoutContext(folded, context)) < settings.minLength()) {
            return violation("context", "leans on the tenant's or the user's name, username or e-mail address:"
                    + " without them it must still be " + settings.minLength() + " characters");
        }
        if (settings.blockCommon()) {
            Set<String> userInputs = new LinkedHashSet<>(context);
            userInputs.addAll(contextWords(names));
            Optional<String> weakness = PasswordStrength.weakness(normalized, userInputs);
            if (weakness.isPresent()) {
                return violation("strength", "is too easy to guess: " + weakness.get());
            }
        }
        return Optional.empty();
    }

    /**
     * The context words (NIST SP 800-63B rev 4 §3.1.1.2: "context-specific words, such as the name of
     * the service, the username, and derivatives thereof") of the given texts: each text whole and
     * each of its runs of letters and digits, folded, keeping those of at least
     * {@value #MIN_CONTEXT_WORD} characters.
     */
    static Set<String> contextWords(List<@Nullable String> texts) {
        Set<String> words = new LinkedHashSet<>();
        for (String text : texts) {
            if (text == null) {
                continue;
            }
            String folded = fold(normalize(text.strip()));
            add(words, folded);
            for (String part : folded.split("[^\\p{L}\\p{N}]+")) {
                add(words, part);
            }
        }
        return words;
    }

    /** The e-mail address's local part and domain, for {@link #contextWords}. */
    static List<@Nullable String> emailParts(@Nullable String email) {
        List<@Nullable String> parts = new ArrayList<>();
        if (email != null) {
            int at = email.lastIndexOf('@');
            parts.add(at < 0 ? email : email.substring(0, at));
            if (at >= 0) {
                parts.add(email.substring(at + 1));
            }
        }
        return parts;
    }

    /**
     * The password with every occurrence of every context word removed, longest words first. The
     * rule: context words count for nothing, so what is left must still meet the minimum length. A
     * password equal to the username, or the username with a few characters around it, fails; a long
     * passphrase that happens to mention the clinic's name does not.
     */
    static String withoutContext(String folded, Set<String> context) {
        String rest = folded;
        List<String> longestFirst = new ArrayList<>(context);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        for (String word : longestFirst) {
            rest = rest.replace(word, "");
        }
        return rest;
    }

    private static void add(Set<String> words, String word) {
        if (length(word) >= MIN_CONTEXT_WORD) {
            words.add(word);
        }
    }

    private static Optional<Violation> violation(String rule, String message) {
        return Optional.of(new Violation(rule, message + " (" + rule + ")"));
    }
}
