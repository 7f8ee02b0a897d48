package dev.gatehouse.server.authentication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.settings.TenantSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The password rules on their own: length, composition, blocklist, context words and the blocklist loader. */
class PasswordPolicyTest {

    private static final Blocklist BUNDLED = new Blocklist("");
    private static final Set<String> CONTEXT = PasswordRules.contextWords(Arrays.asList("Downtown Family Clinic",
            "downtown-family", "marguerite.long", "marguerite.long", "mail.example"));
    private static final TenantSettings.PasswordPolicy SEED_004 = new TenantSettings.PasswordPolicy(12, true, true, true, true, 0,
            null, true);

    private static Optional<String> rule(String password, TenantSettings.PasswordPolicy settings) {
        return PasswordRules.check(password, settings, BUNDLED, CONTEXT).map(PasswordRules.Violation::rule);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
            password                                 | rule      | why
            fourteen chars                           | minLength | one short of the default 15
            a long enough passphrase                 | ''        | length and nothing else by default
            1qaz2wsx3edc4rfv                         | blocklist | in the bundled list of common passwords
            1QAZ2WSX3edc4rfv                         | blocklist | the blocklist ignores case
            Marguerite.Long!                         | context   | the username with one symbol
            marguerite2026!!                         | context   | a part of the username and a few characters
            downtown-family-1                        | context   | the tenant's slug
            Downtown Family Clinic                   | context   | the tenant's name
            mail.example.123                         | context   | the e-mail domain
            downtown has the best coffee in town     | ''        | a context word inside a long passphrase
            ALL UPPER CASE AND NO RULES              | ''        | composition is off by default
            """)
    void theDefaultPolicyIsLengthBlocklistAndContext(String password, String rule, String why) {
        assertThat(rule(password, TenantSettings.PasswordPolicy.DEFAULTS)).as(why)
                .isEqualTo(rule.isEmpty() ? Optional.empty() : Optional.of(rule));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
            password             | rule          | why
            Short1!              | minLength     | seed 004: at least 12 characters
            lower only 2026!     | requireUpper  | no upper-case letter
            UPPER ONLY 2026!     | requireLower  | no lower-case letter
            Mixed Case Words!    | requireDigit  | no digit
            MixedCase2026Only    | requireSymbol | letters and digits only
            Mixed Case 2026!     | ''            | all four kinds
            Ärger Über 2026 ß    | ''            | upper and lower case beyond ASCII count
            """)
    void compositionRulesOfSeed004ApplyWhenSwitchedOn(String password, String rule, String why) {
        assertThat(rule(password, SEED_004)).as(why).isEqualTo(rule.isEmpty() ? Optional.empty() : Optional.of(rule));
    }

    @Test
    void lengthIsCountedInCodePointsAfterNfkc() {
        String fifteenEmoji = "😀🐱🌵🚲🎈🍋🦊🌙⚓🎻🧩🍄🐢🔑🪁";
        assertThat(fifteenEmoji.length()).as("UTF-16 units").isGreaterThan(15);
        assertThat(rule(fifteenEmoji, TenantSettings.PasswordPolicy.DEFAULTS)).isEmpty();
        assertThat(rule(fifteenEmoji.substring(0, fifteenEmoji.length() - 2), TenantSettings.PasswordPolicy.DEFAULTS))
                .contains("minLength");
        assertThat(PasswordRules.normalize("ｆｕｌｌ ｗｉｄｔｈ")).isEqualTo("full width");
        assertThat(PasswordRules.normalize("caf\u0065\u0301")).isEqualTo("caf\u00e9");
    }

    @Test
    void atLeast64AndAtMost256CharactersAreAccepted() {
        assertThat(rule(randomText(64), TenantSettings.PasswordPolicy.DEFAULTS)).isEmpty();
        assertThat(rule(randomText(256), TenantSettings.PasswordPolicy.DEFAULTS)).isEmpty();
        assertThat(rule(randomText(256) + "c", TenantSettings.PasswordPolicy.DEFAULTS)).contains("maxLength");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
            password                     | what zxcvbn sees
            passwordpassword             | a repeated common word
            1234567890123456             | a sequence of digits
            iloveyouiloveyou             | a repeated common phrase
            qwertyuiopasdfgh             | a keyboard run
            abcdefghijklmnopqrs          | a sequence of letters
            aaaaaaaaaaaaaaaaaaaa         | one character repeated
            19871231198712311987         | dates
            """)
    void easilyGuessedPatternsAreRefusedByTheDefaultPolicyWithZxcvbnsAdvice(String password, String why) {
        Optional<PasswordRules.Violation> violation = PasswordRules.check(password, TenantSettings.PasswordPolicy.DEFAULTS,
                BUNDLED, CONTEXT);
        assertThat(violation).as(why).isPresent();
        assertThat(violation.get().rule()).as(why).isIn("strength", "blocklist");
        if (violation.get().rule().equals("strength")) {
            assertThat(violation.get().message()).startsWith("is too easy to guess: ").endsWith("(strength)")
                    .hasSizeGreaterThan("is too easy to guess:  (strength)".length() + 10);
        }
    }

    @Test
    void theIssuesFourExamplesAreRefusedAsTooEasyToGuessAndSaySo() {
        assertThat(PasswordRules.check("passwordpassword", TenantSettings.PasswordPolicy.DEFAULTS, BUNDLED, CONTEXT))
                .hasValueSatisfying(violation -> assertThat(violation.message()).contains("Repeats like"));
        assertThat(PasswordRules.check("qwertyuiopasdfgh", TenantSettings.PasswordPolicy.DEFAULTS, BUNDLED, CONTEXT))
                .hasValueSatisfying(violation -> assertThat(violation.message()).contains("commonly used"));
        for (String weak : List.of("passwordpassword", "1234567890123456", "iloveyouiloveyou", "qwertyuiopasdfgh")) {
            assertThat(rule(weak, TenantSettings.PasswordPolicy.DEFAULTS)).as(weak).contains("strength");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            correct horse battery staple
            the cat sat on the warm windowsill
            my bike has a squeaky back wheel
            Mixed Case 2026!
            """)
    void ordinaryLongPassphrasesAreAccepted(String passphrase) {
        assertThat(rule(passphrase, TenantSettings.PasswordPolicy.DEFAULTS)).isEmpty();
    }

    @Test
    void theUsersOwnNamesCountAsGuessedFirst() {
        String names = "whitcombeoyelaran";
        assertThat(PasswordRules.check(names, TenantSettings.PasswordPolicy.DEFAULTS, BUNDLED, CONTEXT)).isEmpty();
        assertThat(PasswordRules.check(names, TenantSettings.PasswordPolicy.DEFAULTS, BUNDLED, CONTEXT,
                List.of("Hildegard", "Oyelaran Whitcombe"))).map(PasswordRules.Violation::rule).contains("strength");
    }

    @Test
    void theStrengthCheckGoesWithTheBlocklistSwitch() {
        TenantSettings.PasswordPolicy off = new TenantSettings.PasswordPolicy(15, false, false, false, false, 0, null, false);
        assertThat(rule("passwordpassword", off)).isEmpty();
    }

    /** Letters and digits drawn with a fixed seed: long, and no pattern for zxcvbn to find. */
    private static String randomText(int length) {
        java.util.Random random = new java.util.Random(42);
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    @Test
    void theBlocklistCanBeSwitchedOff() {
        TenantSettings.PasswordPolicy off = new TenantSettings.PasswordPolicy(15, false, false, false, false, 0, null, false);
        assertThat(rule("1qaz2wsx3edc4rfv", off)).isEmpty();
    }

    @Test
    void contextWordsAreWholeTextsAndTheirPartsOfAtLeastFourCharacters() {
        assertThat(PasswordRules.contextWords(List.of("Dr. Ann Lee-Smith")))
                .containsExactlyInAnyOrder("dr. ann lee-smith", "smith");
        assertThat(PasswordRules.emailParts("Ann.Lee@Clinic.Example")).containsExactly("Ann.Lee", "Clinic.Example");
        assertThat(PasswordRules.withoutContext("annsmithsmith", Set.of("smith"))).isEqualTo("ann");
    }

    @Test
    void theBundledBlocklistIsTheMaintainedListOfCommonPasswords() {
        assertThat(BUNDLED.size()).as("entries of 8 characters or more").isGreaterThan(10_000);
        assertThat(BUNDLED.contains("password1")).isTrue();
        assertThat(BUNDLED.contains("123456")).as("too short to be kept: no policy accepts it").isFalse();
    }

    @Test
    void theOperatorsFileAddsPasswordsComparedIgnoringCase(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("breached.txt");
        Files.writeString(file, "Our-Clinic-Summer-2026\r\nshort\n\nnötig-und-geheim-123\n", StandardCharsets.UTF_8);
        Blocklist blocklist = new Blocklist(file.toString());
        assertThat(blocklist.size()).isEqualTo(BUNDLED.size() + 2);
        assertThat(PasswordRules.check("our-clinic-SUMMER-2026", TenantSettings.PasswordPolicy.DEFAULTS, blocklist, Set.of())
                .map(PasswordRules.Violation::rule)).contains("blocklist");
        assertThat(PasswordRules.check("NÖTIG-UND-GEHEIM-123", TenantSettings.PasswordPolicy.DEFAULTS, blocklist, Set.of())
                .map(PasswordRules.Violation::rule)).contains("blocklist");
        assertThat(PasswordRules.check("our-clinic-summer-2027", TenantSettings.PasswordPolicy.DEFAULTS, blocklist, Set.of()))
                .isEmpty();
    }

    @Test
    void anUnreadableOperatorFileStopsTheStartNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-list.txt");
        assertThatThrownBy(() -> new Blocklist(missing.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("GATEHOUSE_PASSWORD_BLOCKLIST")
                .hasMessageContaining(missing.toAbsolutePath().toString());
    }
}
