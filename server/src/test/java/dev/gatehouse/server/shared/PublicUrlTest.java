package dev.gatehouse.server.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockHttpServletRequest;

/** Where written links point: the operator's URL, else the request's own address, never a host an attacker chose. */
@ExtendWith(OutputCaptureExtension.class)
class PublicUrlTest {

    @ParameterizedTest(name = "Host {0} on socket {1}:{2} → {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # Host header       | socket address          | port | link starts with            | why
            127.0.0.1           | 127.0.0.1               | 8080 | http://127.0.0.1:8080       | the socket's own address
            localhost           | 127.0.0.1               | 8080 | http://localhost:8080       | localhost on a loopback socket
            LocalHost           | 0:0:0:0:0:0:0:1         | 9000 | http://LocalHost:9000       | localhost on the IPv6 loopback
            [::1]               | 0:0:0:0:0:0:0:1         | 8080 | http://[::1]:8080           | an IPv6 literal naming the socket
            evil.example        | 127.0.0.1               | 8080 | http://127.0.0.1:8080       | a name is never believed: host-header poisoning
            localhost           | 192.168.1.20            | 8080 | http://192.168.1.20:8080    | localhost is not a LAN socket
            10.0.0.5            | 192.168.1.20            | 8080 | http://192.168.1.20:8080    | another address than the socket's
            999.0.0.1           | 127.0.0.1               | 8080 | http://127.0.0.1:8080       | no address at all (and never looked up)
            gatehouse.test      | 0:0:0:0:0:0:0:1         | 80   | http://[0:0:0:0:0:0:0:1]    | the default port is left out
            """)
    void unsetTheLinkFollowsTheRequestOnlyWhereItNamesTheSocket(String host, String socket, int port, String expected,
            String why) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/auth/password/forgot");
        request.setServerName(host);
        request.setLocalAddr(socket);
        request.setLocalPort(port);

        assertThat(PublicUrl.ofRequest(request)).as(why).isEqualTo(expected);
    }

    @Test
    void theConfiguredUrlWinsOverAnyRequestAndLosesItsTrailingSlash() {
        PublicUrl url = new PublicUrl("https://gatehouse.example.org/idp/", new MockEnvironment());

        assertThat(url.base()).isEqualTo("https://gatehouse.example.org/idp");
    }

    @Test
    void offAnyRequestTheLinkNamesTheListeningAddress() {
        MockEnvironment environment = new MockEnvironment().withProperty("server.address", "127.0.0.1")
                .withProperty("local.server.port", "41234");

        assertThat(new PublicUrl("", environment).base()).isEqualTo("http://127.0.0.1:41234");
        assertThat(new PublicUrl("", new MockEnvironment().withProperty("server.address", "0.0.0.0")).base())
                .isEqualTo("http://localhost:8080");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gatehouse.example.org", "ftp://gatehouse.example.org", "https://user@gatehouse.example.org",
        "https://gatehouse.example.org/?x=1", "https://gatehouse.example.org/#top", "https://", "https://exa mple.org"})
    void aUrlThatWouldMakeBrokenLinksStopsTheStart(String configured) {
        assertThatThrownBy(() -> new PublicUrl(configured, new MockEnvironment()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GATEHOUSE_PUBLIC_URL");
    }

    @Test
    void startingUnsetWarnsAndNamesTheVariable(CapturedOutput output) {
        new PublicUrl("", new MockEnvironment()).warnIfUnset();

        assertThat(output.getOut() + output.getErr()).contains("WARN").contains("GATEHOUSE_PUBLIC_URL is not set")
                .contains("follow the address");
    }

    @Test
    void startingWithItSetSaysNothing(CapturedOutput output) {
        new PublicUrl("https://gatehouse.example.org", new MockEnvironment()).warnIfUnset();

        assertThat(output.getOut() + output.getErr()).doesNotContain("GATEHOUSE_PUBLIC_URL");
    }
}
