package dev.gatehouse.server.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpStatus;

class IdsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # text                                 | id                                   | why
            3f2a9c1e-0b7d-4e2a-9c41-5d6e7f8a9b0c   | 3f2a9c1e-0b7d-4e2a-9c41-5d6e7f8a9b0c | the stored spelling
            3F2A9C1E-0B7D-4E2A-9C41-5D6E7F8A9B0C   | 3f2a9c1e-0b7d-4e2a-9c41-5d6e7f8a9b0c | any case names the same id
            1-2-3-4-5                              |                                      | UUID.fromString accepts it, no row carries it
            00000001-0002-0003-0004-5              |                                      | short last group
            3f2a9c1e-0b7d-4e2a-9c41-5d6e7f8a9b0c0  |                                      | one character too many
            3f2a9c1e+0b7d-4e2a-9c41-5d6e7f8a9b0c   |                                      | 36 characters, not the dashes
            3f2a9c1e-0b7d-4e2a-9c41-5d6e7f8a9b0g   |                                      | not hexadecimal
            clinic-a                               |                                      | a slug
            ''                                     |                                      | empty
            """)
    void readsOnlyTheThirtySixCharacterSpelling(String text, String id, String why) {
        if (id == null) {
            assertThat(Ids.parse(text)).as(why).isEmpty();
            assertThat(Ids.canonical(text)).as(why).isEqualTo(text);
        } else {
            assertThat(Ids.parse(text)).as(why).contains(UUID.fromString(id));
            assertThat(Ids.canonical(text)).as(why).isEqualTo(id);
        }
    }

    @Test
    void readsNoIdInNothing() {
        assertThat(Ids.parse(null)).isEmpty();
    }

    @Test
    void aPathIdThatIsNoIdIsAnsweredAsAnUnknownOne() {
        assertThatThrownBy(() -> Ids.inPath("1-2-3-4-5", "user"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo(ApiException.notFound("user 1-2-3-4-5").getMessage());
                });
        UUID id = UUID.randomUUID();
        assertThat(Ids.inPath(id.toString().toUpperCase(java.util.Locale.ROOT), "user")).isEqualTo(id);
    }

    @Test
    void aTimeOrderedIdIsAVersion7UuidOfItsMillisecondWithRandomBits() throws InterruptedException {
        long before = System.currentTimeMillis();
        UUID first = Ids.timeOrdered();
        long after = System.currentTimeMillis();
        assertThat(first.version()).isEqualTo(7);
        assertThat(first.variant()).isEqualTo(2);
        assertThat(first.getMostSignificantBits() >>> 16).isBetween(before, after);
        assertThat(Ids.parse(first.toString())).contains(first);

        Thread.sleep(2);
        UUID later = Ids.timeOrdered();
        assertThat(later.toString()).as("a later millisecond sorts after, as text and in PostgreSQL's uuid order")
                .isGreaterThan(first.toString());

        java.util.Set<UUID> seen = new java.util.HashSet<>();
        java.util.Set<Long> randomParts = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = Ids.timeOrdered();
            seen.add(id);
            randomParts.add(id.getLeastSignificantBits() & 0x3FFF_FFFF_FFFF_FFFFL);
        }
        assertThat(seen).as("ids made within the same milliseconds differ").hasSize(10_000);
        assertThat(randomParts).as("the random bits vary").hasSize(10_000);
    }
}
