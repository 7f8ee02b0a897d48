package dev.gatehouse.server.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DisplayNamesTest {

    private static List<FieldError> problems(String name) {
        List<FieldError> errors = new ArrayList<>();
        DisplayNames.checked(name, "name", errors);
        return errors;
    }

    @Test
    void aNameIsStrippedAndMustBeThereShortAndPrintable() {
        List<FieldError> none = new ArrayList<>();
        assertThat(DisplayNames.checked("  Cardiology A ", "name", none)).isEqualTo("Cardiology A");
        assertThat(none).isEmpty();
        assertThat(problems(null)).containsExactly(new FieldError("name", "is required"));
        assertThat(problems("   ")).containsExactly(new FieldError("name", "is required"));
        assertThat(problems("x".repeat(DisplayNames.MAX))).isEmpty();
        assertThat(problems("x".repeat(DisplayNames.MAX + 1))).extracting(FieldError::message)
                .containsExactly("at most 200 characters");
        assertThat(problems("Night\nshift")).extracting(FieldError::message)
                .containsExactly("must not contain control characters");
    }
}
