package dev.gatehouse.server.throttling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-address limits as an operator writes them, and the defaults the tenant settings start with. */
class LimitTest {

    @ParameterizedTest(name = "{0} -> {1} per {2} min")
    @CsvSource(delimiter = '|', textBlock = """
            30/PT1M      | 30    | 1
            10 / PT1H    | 10    | 60
            1000000/PT1M | 1000000 | 1
            """)
    void anOperatorWritesRequestsPerIsoDuration(String text, int requests, int minutes) {
        assertThat(Limit.parse("gatehouse.throttle.address.sign-in", text)).isEqualTo(new Limit(requests, minutes));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            30
            30/1m
            0/PT1M
            30/PT30S
            many/PT1M
            """)
    void anythingElseStopsTheStartNamingTheProperty(String text) {
        assertThatThrownBy(() -> Limit.parse("gatehouse.throttle.address.sign-in", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gatehouse.throttle.address.sign-in").hasMessageContaining("30/PT1M");
    }

    @Test
    void aBucketsIdCarriesItsLimitSoAChangedLimitStartsAfresh() {
        assertThat(new Limit(30, 1).key()).isNotEqualTo(new Limit(30, 15).key()).isNotEqualTo(new Limit(31, 1).key());
    }
}
