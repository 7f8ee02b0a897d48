package dev.gatehouse.server.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class OriginTest {

    @Test
    void isTheRequestsRemoteAddressAndUserAgent() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr("203.0.113.7");
        request.addHeader("User-Agent", "curl/8");

        assertThat(Origin.of(request)).isEqualTo(new Origin("203.0.113.7", "curl/8"));
    }

    @Test
    void isResolvedOncePerRequestSoFiltersAndControllersReadTheSameValue() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr("203.0.113.7");
        Origin first = Origin.of(request);
        request.setRemoteAddr("198.51.100.1");

        assertThat(Origin.of(request)).isSameAs(first);
    }
}
