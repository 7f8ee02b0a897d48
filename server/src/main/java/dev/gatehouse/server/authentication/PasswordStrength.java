package dev.gatehouse.server.authentication;

import com.nulabinc.zxcvbn.Feedback;
import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The guessability estimate of zxcvbn (com.nulab-inc:zxcvbn): what a blocklist cannot list — repeated
 * words ({@code passwordpassword}), keyboard runs ({@code qwertyuiopasdfgh}), sequences
 * ({@code 1234567890123456}), dates, common words with l33t substitutions, the user's own names —
 * estimated as the number of guesses an attacker who knows these patterns needs (NIST SP 800-63B
 * rev 4 §3.1.1.2: refuse "repetitive or sequential characters" and "context-specific words").
 */
final class PasswordStrength {

    /**
     * zxcvbn's score 3, "safely unguessable": at least 10^8 guesses, beyond an online attack and
     * costly offline against Argon2id. Score 2 and below is refused.
     */
    static final int MIN_SCORE = 3;

    /**
     * zxcvbn's matching grows faster than the password; its authors measure up to 100 characters.
     * A longer password is judged by its first 100, which a weak long password does not escape.
     */
    static final int MEASURED = 100;

    /** Loading the dictionaries takes a while; the estimator is stateless after that and shared. */
    private static final Zxcvbn ZXCVBN = new Zxcvbn();

    private PasswordStrength() {}

    /**
     * Why {@code normalized} is too easy to guess, in zxcvbn's words, or empty when it is not.
     *
     * @param userInputs the user's own words (names, username, e-mail parts, the tenant's name),
     *     which zxcvbn counts as guessed first
     */
    static Optional<String> weakness(String normalized, Set<String> userInputs) {
        String measured = normalized.codePointCount(0, normalized.length()) <= MEASURED ? normalized
                : normalized.substring(0, normalized.offsetByCodePoints(0, MEASURED));
        Strength strength = ZXCVBN.measure(measured, List.copyOf(userInputs));
        try {
            if (strength.getScore() >= MIN_SCORE) {
                return Optional.empty();
            }
            Feedback feedback = strength.getFeedback();
            List<String> words = new ArrayList<>();
            String warning = feedback.getWarning(Locale.ENGLISH);
            if (warning != null && !warning.isBlank()) {
                words.add(warning.strip());
            }
            feedback.getSuggestions(Locale.ENGLISH).stream().map(String::strip).filter(s -> !s.isEmpty())
                    .forEach(words::add);
            if (words.isEmpty()) {
                words.add("Add another word or two. Uncommon words are better.");
            }
            return Optional.of(String.join(" ", words));
        } finally {
            strength.wipe();
        }
    }
}
