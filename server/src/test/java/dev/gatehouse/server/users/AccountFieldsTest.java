package dev.gatehouse.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The field rules checked character by character (issue 17) hold to the regular expressions they
 * replaced, kept here as the specification: the same answer for hand-picked edge cases and for
 * many random strings drawn from the characters the rules care about.
 */
class AccountFieldsTest {

    private static final Pattern USERNAME = Pattern.compile("[^\\p{javaWhitespace}\\p{Cntrl}]{3,64}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
    private static final Pattern PHONE = Pattern.compile("[0-9+()./ x-]{3,40}");

    /** Letters, the rules' separators, whitespace of several kinds, controls, non-ASCII and a surrogate pair. */
    private static final List<String> ALPHABET = List.of("a", "Z", "0", "9", ".", "@", "+", "(", ")", "/", "-", "x",
            " ", "\t", "\n", "\u000b", "\f", "\r", "\u0000", "\u007f", "\u0085", "\u00a0", "\u2003", "\u2028", "é",
            "名", "\uD83D\uDE00", "_", "'");

    @ParameterizedTest
    @ValueSource(strings = {"ab", "abc", "a b", "a\tbc", "ab\u0001c", "ab\u007fc", "ab\u00a0c", "ab\u2003c",
            "\uD83D\uDE00\uD83D\uDE00", "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", "名前です", "user0000001",
            "a@b.c", "a@b", "@b.c", "a@.b", "a@b.", "a@b..c", "a@@b.c", "a.b@c.d.e", "a@b.c@d", "a b@c.d",
            "a\u000b@b.c", "a\u2003@b.c", "+1 555 0001", "12", "(555) 123-4567 x89", "555_123",
            "1234567890123456789012345678901234567890", "12345678901234567890123456789012345678901", ""})
    void agreesWithTheExpressionsOnEdgeCases(String text) {
        assertSameAnswers(text);
    }

    @Test
    void agreesWithTheExpressionsOnRandomStrings() {
        Random random = new Random(17);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                text.append(ALPHABET.get(random.nextInt(ALPHABET.size())));
            }
            assertSameAnswers(text.toString());
        }
    }

    @Test
    void countsUsernamesAndPhonesToTheirLimits() {
        assertSameAnswers("u".repeat(64));
        assertSameAnswers("u".repeat(65));
        assertSameAnswers("\uD83D\uDE00".repeat(64));
        assertSameAnswers("\uD83D\uDE00".repeat(65));
        assertSameAnswers("5".repeat(40));
        assertSameAnswers("5".repeat(41));
    }

    private static void assertSameAnswers(String text) {
        assertThat(AccountFields.isUsername(text)).as("username %s", text)
                .isEqualTo(USERNAME.matcher(text).matches());
        assertThat(AccountFields.isEmail(text)).as("e-mail %s", text).isEqualTo(EMAIL.matcher(text).matches());
        assertThat(AccountFields.isPhone(text)).as("phone %s", text).isEqualTo(PHONE.matcher(text).matches());
        AccountFields fields = new AccountFields();
        fields.name("name", text.isBlank() ? "x" : text);
        boolean refusedForControl = fields.errors().stream()
                .anyMatch(error -> error.message().contains("control characters"));
        assertThat(refusedForControl).as("control characters in %s", text)
                .isEqualTo(!text.isBlank() && CONTROL.matcher(text.strip()).find());
    }
}
