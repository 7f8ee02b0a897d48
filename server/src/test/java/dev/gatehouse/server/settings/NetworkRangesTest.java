package dev.gatehouse.server.settings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkRangesTest {

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(useHeadersInDisplayName = true, textBlock = """
            given,                  stored
            10.0.0.0/8,             10.0.0.0/8
            192.168.1.7,            192.168.1.7/32
            0.0.0.0/0,              0.0.0.0/0
            203.0.113.64/26,        203.0.113.64/26
            2001:DB8::/32,          2001:db8::/32
            ::1,                    ::1/128
            ::/0,                   ::/0
            fe80::/10,              fe80::/10
            ::ffff:192.0.2.0/120,   192.0.2.0/24
            ::FFFF:10.1.2.3,        10.1.2.3/32
            ::ffff:0:0/96,          0.0.0.0/0
            ::ffff:c000:200/120,    192.0.2.0/24
            1:2:3:4:5:6:7:8/128,    1:2:3:4:5:6:7:8/128
            """)
    void acceptsAddressesAndRanges(String given, String stored) {
        NetworkRanges.Parsed parsed = NetworkRanges.parse(given);
        assertThat(parsed.problem()).isNull();
        assertThat(parsed.range()).isEqualTo(stored);
    }

    @ParameterizedTest(name = "{arguments}")
    @CsvSource(useHeadersInDisplayName = true, textBlock = """
            given,                  why
            10.0.0.256,             not an IPv4 or IPv6 address
            10.0.0,                 not an IPv4 or IPv6 address
            010.0.0.1,              not an IPv4 or IPv6 address
            10.0.0.0/33,            prefix length
            10.0.0.0/-1,            prefix length
            10.0.0.0/08,            prefix length
            10.0.0.0/,              prefix length
            10.0.0.1/8,             (10.0.0.0/8)
            192.168.1.1/24,         (192.168.1.0/24)
            example.com,            not an IPv4 or IPv6 address
            localhost,              not an IPv4 or IPv6 address
            1:2:3:4:5:6:7,          not an IPv4 or IPv6 address
            1:2:3:4:5:6:7:8:9,      not an IPv4 or IPv6 address
            1::2::3,                not an IPv4 or IPv6 address
            12345::,                not an IPv4 or IPv6 address
            fe80::1%eth0,           not an IPv4 or IPv6 address
            1.2.3.4::,              not an IPv4 or IPv6 address
            2001:db8::1/32,         bits set beyond the /32 prefix
            ::/129,                 prefix length
            ::ffff:10.0.0.0/95,     mixes IPv4-mapped and other IPv6 addresses
            ::ffff:10.0.0.1/120,    (10.0.0.0/24)
            '',                     not an IPv4 or IPv6 address
            """)
    void refusesAnythingElseSayingWhy(String given, String why) {
        NetworkRanges.Parsed parsed = NetworkRanges.parse(given);
        assertThat(parsed.range()).isNull();
        assertThat(parsed.problem()).contains(why);
    }
}
