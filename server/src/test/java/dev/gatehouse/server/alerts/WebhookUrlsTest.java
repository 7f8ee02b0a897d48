package dev.gatehouse.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.outbound.HostResolver;
import dev.gatehouse.server.outbound.OutboundGuard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which webhook addresses a tenant may give (the outbound guard's rules, plus the webhook's own
 * length and fragment limits), and what the trail keeps of them.
 */
class WebhookUrlsTest {

    private static final HostResolver DNS = host -> switch (host) {
        case "hooks.example" -> List.of(InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 215, 14}));
        case "receiver.test" -> List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        default -> throw new UnknownHostException(host);
    };
    private static final OutboundGuard GUARD = new OutboundGuard(DNS, "receiver.test");

    @ParameterizedTest(name = "{0} allowed: {1}")
    @CsvSource(useHeadersInDisplayName = true, textBlock = """
            url,                                     allowed, why
            https://hooks.example/alerts,            true,    https to a public address
            https://hooks.example:8443/a?b=c,        true,    with a port and a query
            http://receiver.test:8080/alerts,        true,    plain http to a host the operator allows
            http://127.0.0.1:8080/alerts,            false,   loopback unless the operator allows it
            http://localhost/alerts,                 false,   this machine by name
            http://hooks.example/alerts,             false,   plain http across a network
            ftp://hooks.example/alerts,              false,   not http
            https://user:pass@hooks.example/alerts,  false,   credentials belong in the secret
            /alerts,                                 false,   not absolute
            https://hooks.example/a#b,               false,   a fragment is never sent
            """)
    void allowsWhatTheOutboundGuardAllowsWithoutAFragment(String url, boolean allowed, String why) {
        assertThat(WebhookUrls.problem(url, GUARD).isEmpty()).as(why).isEqualTo(allowed);
    }

    @Test
    void aLongUrlIsRefusedBeforeAnyLookup() {
        String url = "https://hooks.example/" + "a".repeat(WebhookUrls.MAX_LENGTH);
        assertThat(WebhookUrls.problem(url, GUARD)).contains("at most 2000 characters");
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
