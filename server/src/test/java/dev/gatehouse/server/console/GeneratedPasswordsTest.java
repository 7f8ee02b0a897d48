package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratedPasswordsTest {

    @Test
    void everyPasswordHasTheLengthEveryCharacterClassAndNoLookAlikes() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String password = GeneratedPasswords.next();
            assertThat(password).hasSize(GeneratedPasswords.LENGTH)
                    .containsPattern("[A-Z]").containsPattern("[a-z]").containsPattern("[2-9]")
                    .containsPattern("[-_.!?+=]").doesNotContainPattern("[0O1lI]");
            seen.add(password);
        }
        assertThat(seen).as("no repeats").hasSize(2_000);
    }
}
