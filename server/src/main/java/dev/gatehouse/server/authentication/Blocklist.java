package dev.gatehouse.server.authentication;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Common and breached passwords (NIST SP 800-63B rev 4 §3.1.1.2, ASVS 5.0 6.2.4): the 30,000 most
 * common passwords that the zxcvbn library maintains and ships, plus, when an operator names one in
 * {@code GATEHOUSE_PASSWORD_BLOCKLIST} ({@code gatehouse.password.blocklist}), a larger UTF-8 text
 * file with one password per line. Both are read once at start and held in memory; an unreadable
 * operator file stops the start rather than silently weakening the policy.
 */
@Component
class Blocklist {

    static final String BUNDLED = "/com/nulabinc/zxcvbn/matchers/dictionaries/passwords.txt";

    private static final Logger log = LoggerFactory.getLogger(Blocklist.class);

    private final Set<String> entries = new HashSet<>();

    /** @param operatorFile a path, or empty for the bundled list alone */
    Blocklist(@Value("${gatehouse.password.blocklist:}") String operatorFile) {
        try (InputStream bundled = Blocklist.class.getResourceAsStream(BUNDLED)) {
            if (bundled == null) {
                throw new IllegalStateException("the bundled password blocklist " + BUNDLED
                        + " is missing from the class path (com.nulab-inc:zxcvbn)");
            }
            read(new BufferedReader(new InputStreamReader(bundled, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled password blocklist " + BUNDLED, e);
        }
        int bundledSize = entries.size();
        if (!operatorFile.isBlank()) {
            Path path = Path.of(operatorFile.strip());
            try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                read(reader);
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalStateException("GATEHOUSE_PASSWORD_BLOCKLIST (gatehouse.password.blocklist) names "
                        + path.toAbsolutePath() + ", which cannot be read as a UTF-8 text file with one password"
                        + " per line: " + e.getMessage(), e);
            }
            log.info("Password blocklist: {} bundled entries and {} more from {}", bundledSize,
                    entries.size() - bundledSize, path.toAbsolutePath());
        }
    }

    /** Whether the folded, normalised password is listed, ignoring case. */
    boolean contains(String folded) {
        return entries.contains(folded);
    }

    int size() {
        return entries.size();
    }

    private void read(BufferedReader reader) throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String entry = PasswordRules.fold(PasswordRules.normalize(line));
            int length = PasswordRules.length(entry);
            // No tenant accepts fewer than 8 characters (SettingsPatch) or more than MAX_LENGTH: such
            // entries could never match, so they are not kept in memory.
            if (length >= 8 && length <= Passwords.MAX_LENGTH) {
                entries.add(entry);
            }
        }
    }
}
