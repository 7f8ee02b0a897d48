package dev.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.Period;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditRetentionTest {

    @ParameterizedTest
    @CsvSource(useHeadersInDisplayName = true, delimiter = '|', textBlock = """
        given   | kept    | why
        P6Y     | P6Y     | HIPAA's six years, the default
        P1Y     | P1Y     | the minimum: one annual review
        P12M    | P1Y     | stored normalised
        P18M    | P1Y6M   | years and months
        P100Y   | P100Y   | the maximum
        """)
    void acceptsWholeYearsAndMonthsWithinTheBounds(String given, String kept, String why) {
        assertThat(AuditRetention.parse(given)).as(why).isEqualTo(Period.parse(kept));
    }

    @ParameterizedTest
    @CsvSource(useHeadersInDisplayName = true, delimiter = '|', textBlock = """
        given     | why
        P0Y       | zero would purge everything
        -P6Y      | negative
        P11M      | under a year
        P365D     | days: periods with days do not always compare
        P1Y1D     | days
        P52W      | weeks are days
        P101Y     | beyond the maximum
        six years | not ISO-8601
        PT24H     | a duration, not a period
        """)
    void refusesAnythingElse(String given, String why) {
        assertThatThrownBy(() -> AuditRetention.parse(given)).as(why).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("P1Y to P100Y");
    }

    @ParameterizedTest
    @CsvSource(useHeadersInDisplayName = true, delimiter = '|', textBlock = """
        now                   | period | cutoff
        2032-03-01T10:00:00Z  | P6Y    | 2026-03-01T10:00:00Z
        2028-02-29T00:00:00Z  | P1Y    | 2027-02-28T00:00:00Z
        2027-01-31T08:30:00Z  | P1Y1M  | 2025-12-31T08:30:00Z
        """)
    void theCutoffCountsBackInUtc(String now, String period, String cutoff) {
        assertThat(AuditRetention.cutoff(Instant.parse(now), Period.parse(period))).isEqualTo(Instant.parse(cutoff));
    }
}
