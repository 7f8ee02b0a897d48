package dev.gatehouse.server.authentication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A device's label and network as people and the new-device rule read them (issue 15). */
class DeviceLabelsTest {

    @Test
    void aUserAgentReadsAsBrowserFamilyAndSystemOnly() {
        assertThat(DeviceLabels.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/131.0.0.0 Safari/537.36")).isEqualTo("Chrome on Windows");
        assertThat(DeviceLabels.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")).isEqualTo("Edge on Windows");
        assertThat(DeviceLabels.of("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
                + " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")).isEqualTo("Safari on iOS");
        assertThat(DeviceLabels.of("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0"))
                .isEqualTo("Firefox on macOS");
        assertThat(DeviceLabels.of("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"))
                .isEqualTo("Chrome on Android");
        assertThat(DeviceLabels.of("curl/8.5.0")).isEqualTo("curl");
        assertThat(DeviceLabels.of(null)).isEqualTo("Unknown device");
    }

    @Test
    void aNetworkIsTheAddresssIpv4Slash24OrIpv6Slash48() {
        assertThat(KnownDevices.networkOf("203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(KnownDevices.networkOf("::ffff:203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(KnownDevices.networkOf("2001:db8:abcd:12::1")).isEqualTo("2001:db8:abcd:0:0:0:0:0/48");
        assertThat(KnownDevices.networkOf("not-an-address.example")).isNull();
        assertThat(KnownDevices.networkOf(null)).isNull();
    }
}
