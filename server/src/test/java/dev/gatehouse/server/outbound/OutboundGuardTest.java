package dev.gatehouse.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SSRF table: every way of writing an internal address that the guard must refuse, the public
 * destinations it must let through, and the operator's exceptions.
 */
class OutboundGuardTest {

    private static final NamedHosts DNS = new NamedHosts()
            .answer("hooks.example", "93.184.215.14")
            .answer("v6.example", "2606:4700::1111")
            .answer("127.0.0.1.nip.io", "127.0.0.1")
            .answer("metadata.example", "169.254.169.254")
            .answer("dual.example", "93.184.215.14", "10.0.0.5")
            .answer("internal.example", "10.1.2.3")
            .answer("lab.example", "192.168.50.9")
            .answer("lab-and-public.example", "192.168.50.9", "93.184.215.14");

    private final OutboundGuard guard = new OutboundGuard(DNS, "");
    private final OutboundGuard withExceptions = new OutboundGuard(DNS, " internal.example , 192.168.50.0/24,,");

    @ParameterizedTest(name = "{0} refused: {1}")
    @CsvSource(useHeadersInDisplayName = true, delimiter = '|', textBlock = """
            url                                         | because
            http://127.0.0.1:5432/                      | resolves to 127.0.0.1, a loopback address
            https://169.254.169.254/latest/meta-data/   | resolves to 169.254.169.254, a link-local address (cloud metadata
            https://10.0.0.1/                           | resolves to 10.0.0.1, a private address (RFC 1918)
            https://[::ffff:127.0.0.1]/                 | resolves to 127.0.0.1, a loopback address
            https://2130706433/                         | is not a canonical IPv4 address
            https://127.0.0.1.nip.io/                   | resolves to 127.0.0.1, a loopback address
            https://0177.0.0.1/                         | is not a canonical IPv4 address
            https://0x7f.1/                             | is not a canonical IPv4 address
            https://0x7f000001/                         | is not a canonical IPv4 address
            https://127.1/                              | is not a canonical IPv4 address
            https://01.2.3.4/                           | is not a canonical IPv4 address
            https://1.2.3.4.5/                          | is not a canonical IPv4 address
            https://localhost/                          | names this machine (localhost)
            https://LocalHost./                         | names this machine (localhost)
            https://api.localhost/                      | names this machine (localhost)
            https://[::1]/                              | resolves to 0:0:0:0:0:0:0:1, a loopback address
            https://[0:0:0:0:0:0:0:1]/                  | resolves to 0:0:0:0:0:0:0:1, a loopback address
            https://public.example@127.0.0.1/           | must not contain user info
            https://hooks.example@127.0.0.1:8080/       | must not contain user info
            https://127.0.0.1./                         | resolves to 127.0.0.1, a loopback address
            https://127.0.0.1.nip.io./                  | resolves to 127.0.0.1, a loopback address
            https://0.0.0.0/                            | resolves to 0.0.0.0, an unspecified
            https://0.1.2.3/                            | resolves to 0.1.2.3, an unspecified
            https://100.64.0.1/                         | a carrier-grade NAT address
            https://172.16.0.1/                         | a private address (RFC 1918)
            https://172.31.255.255/                     | a private address (RFC 1918)
            https://192.168.1.1/                        | a private address (RFC 1918)
            https://192.0.0.8/                          | a reserved address
            https://192.0.2.1/                          | a documentation address
            https://198.51.100.7/                       | a documentation address
            https://203.0.113.9/                        | a documentation address
            https://198.18.0.1/                         | a benchmarking address
            https://224.0.0.1/                          | a multicast address
            https://240.0.0.1/                          | a reserved address
            https://255.255.255.255/                    | the broadcast address
            https://[fe80::1]/                          | a link-local address
            https://[fc00::1]/                          | a unique-local address
            https://[fd12:3456::1]/                     | a unique-local address
            https://[fec0::1]/                          | a site-local address
            https://[ff02::1]/                          | a multicast address
            https://[::]/                               | an unspecified address
            https://[::127.0.0.1]/                      | a deprecated IPv4-compatible address
            https://[64:ff9b::7f00:1]/                  | a NAT64 form of a loopback address
            https://[64:ff9b::a9fe:a9fe]/               | a NAT64 form of a link-local address
            https://[64:ff9b:1::1]/                     | a local-use NAT64 address
            https://[2002:7f00:1::1]/                   | a 6to4 form of a loopback address
            https://[2002:a00:1::1]/                    | a 6to4 form of a private address
            https://[2001::1]/                          | a Teredo tunnel address
            https://[2001:db8::1]/                      | a documentation address
            https://[100::1]/                           | a discard-only address
            https://[4000::1]/                          | a reserved address
            https://[fe80::1%25eth0]/                   | does not have a valid host name
            https://my_host.example/                    | does not have a valid host name
            https://dual.example/                       | resolves to 10.0.0.5, a private address
            https://metadata.example/                   | resolves to 169.254.169.254, a link-local address
            https://unknown.example/                    | does not resolve
            http://hooks.example/                       | must use https
            ftp://hooks.example/                        | must be an https URL
            hooks.example/alerts                        | must be an https URL
            https:///alerts                             | must be an https URL
            https://hooks example/                      | is not a URL
            """)
    void refusesEveryInternalOrUnclearDestination(String url, String because) {
        Optional<String> problem = guard.problem(url);
        assertThat(problem).as(url).isPresent();
        assertThat(problem.get()).as(url).contains(because);
    }

    @ParameterizedTest(name = "{0} allowed")
    @CsvSource(textBlock = """
            https://hooks.example/alerts
            https://HOOKS.Example./alerts?token=x
            https://hooks.example:8443/a
            https://93.184.215.14/
            https://[2606:4700::1111]/
            https://v6.example/
            https://[::ffff:93.184.215.14]/
            https://[64:ff9b::5db8:d70e]/
            https://[2002:5db8:d70e::1]/
            """)
    void letsPublicHttpsDestinationsThrough(String url) {
        assertThat(guard.problem(url)).as(url).isEmpty();
    }

    @ParameterizedTest(name = "{0} with the operator's exceptions: {1}")
    @CsvSource(useHeadersInDisplayName = true, delimiter = '|', textBlock = """
            url                                 | problem
            http://internal.example:8080/hook   |
            https://INTERNAL.example./hook      |
            http://192.168.50.7/                |
            https://192.168.50.255/             |
            http://lab.example/                 |
            https://192.168.51.7/               | a private address (RFC 1918)
            http://127.0.0.1/                   | a loopback address
            http://hooks.example/               | must use https
            http://93.184.215.14/               | must use https
            http://lab-and-public.example/      | must use https
            https://lab-and-public.example/     |
            https://other.internal.example/     | does not resolve
            """)
    void theOperatorAllowsNamedHostsAndRangesAlsoOverPlainHttp(String url, String problem) {
        Optional<String> found = withExceptions.problem(url);
        if (problem == null) {
            assertThat(found).as(url).isEmpty();
        } else {
            assertThat(found).as(url).hasValueSatisfying(reason -> assertThat(reason).contains(problem));
        }
    }

    @Test
    void aCheckedDestinationCarriesTheAddressesToConnectTo() throws RefusedDestination {
        Destination destination = guard.check("https://Hooks.Example./alerts");
        assertThat(destination.host()).isEqualTo("hooks.example");
        assertThat(destination.port()).isEqualTo(443);
        assertThat(destination.addresses()).extracting(a -> a.getHostAddress()).containsExactly("93.184.215.14");
        assertThat(withExceptions.check("http://internal.example/x").addresses()).extracting(a -> a.getHostAddress())
                .containsExactly("10.1.2.3");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/33
            10.0.0.0/x
            my_host.example
            hooks.example/24
            """)
    void aBadExceptionStopsTheServerInsteadOfBeingIgnored(String entry) {
        assertThatThrownBy(() -> new OutboundGuard(DNS, "hooks.example," + entry))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GATEHOUSE_OUTBOUND_ALLOW");
    }
}
