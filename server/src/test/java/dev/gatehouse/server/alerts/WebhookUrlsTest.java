package dev.gatehouse.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which webhook addresses a tenant may give, and what the trail keeps of them. */
class WebhookUrlsTest {

    @ParameterizedTest(name = "{0} allowed: {1}")
    @CsvSource(useHeadersInDisplayName = true, textBlock = """
            url,                                     allowed, why
            https://hooks.example/alerts,            true,    https anywhere
            https://hooks.example:8443/a?b=c,        true,    with a port and a query
            http://127.0.0.1:8080/alerts,            true,    plain http to this machine
            http://localhost/alerts,                 true,    plain http to this machine by name
            http://[::1]:9000/alerts,                true,    plain http to this machine over IPv6
            http://hooks.example/alerts,             false,   plain http across a network
            http://127.0.0.2/alerts,                 false,   only the one loopback address
            ftp://127.0.0.1/alerts,                  false,   not http
            https://user:pass@hooks.example/alerts,  false,   credentials belong in the secret
            /alerts,                                 false,   not absolute
            https://hooks.example/a#b,               false,   a fragment is never sent
            """)
    void allowsHttpsAndLoopbackHttpOnly(String url, boolean allowed, String why) {
        assertThat(WebhookUrls.problem(url).isEmpty()).as(why).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            https://Hooks.Example/services/T0/secret-path?token=x, https://hooks.example
            http://127.0.0.1:8080/alerts,                          http://127.0.0.1:8080
            """)
    void theTrailKeepsOnlySchemeHostAndPort(String url, String origin) {
        assertThat(WebhookUrls.origin(url)).isEqualTo(origin);
    }
}
