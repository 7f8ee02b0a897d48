package dev.gatehouse.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls through the one outbound client to servers on 127.0.0.1: the connection goes to the
 * address the guard checked (the name is known only to the guard's resolver, and looked up once),
 * a redirect is the answer rather than followed, and a refused name is never connected to.
 */
class OutboundHttpTest {

    private HttpServer receiver;
    private final List<String> hostHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger received = new AtomicInteger();
    private int redirectTargetPort;

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.incrementAndGet();
            hostHeaders.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.createContext("/moved", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + redirectTargetPort + "/stolen");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        receiver.createContext("/metadata", exchange -> {
            byte[] body = "<EntityDescriptor/>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/samlmetadata+xml");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        receiver.createContext("/token", exchange -> {
            byte[] echo = exchange.getRequestBody().readAllBytes();
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            byte[] body = ("{\"got\":\"" + new String(echo, java.nio.charset.StandardCharsets.UTF_8) + "\",\"as\":\""
                    + type + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        receiver.createContext("/huge", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (var out = exchange.getResponseBody()) {
                out.write(new byte[64 * 1024]);
            } catch (IOException e) {
                // The client stops reading past its cap and drops the connection.
            }
            exchange.close();
        });
        receiver.start();
    }

    @Test
    void aGetReadsTheBodyAndAPostSendsOneThroughTheCheckedAddress() throws IOException {
        NamedHosts dns = new NamedHosts().answer("idp.test", "127.0.0.1");
        try (OutboundHttp http = client(dns, "idp.test")) {
            OutboundHttp.Response metadata = http.get("http://idp.test:" + port() + "/metadata", Map.of(), 10_000);
            assertThat(metadata.status()).isEqualTo(200);
            assertThat(metadata.contentType()).isEqualTo("application/samlmetadata+xml");
            assertThat(metadata.text()).isEqualTo("<EntityDescriptor/>");

            OutboundHttp.Response token = http.post("http://idp.test:" + port() + "/token", Map.of(),
                    "application/x-www-form-urlencoded", "code=abc".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    10_000);
            assertThat(token.successful()).isTrue();
            assertThat(token.text()).isEqualTo("{\"got\":\"code=abc\",\"as\":\"application/x-www-form-urlencoded\"}");
            assertThat(dns.lookups.get()).isEqualTo(2);
        }
    }

    @Test
    void aBodyLongerThanTheCapIsRefusedAndARefusedNameIsNeverAsked() throws IOException {
        try (OutboundHttp http = client(new NamedHosts(), "127.0.0.1/32")) {
            assertThatThrownBy(() -> http.get("http://127.0.0.1:" + port() + "/huge", Map.of(), 1024))
                    .isInstanceOf(IOException.class).hasMessageContaining("more than 1024 bytes");
        }
        try (OutboundHttp http = client(new NamedHosts(), "")) {
            assertThatThrownBy(() -> http.get("http://127.0.0.1:" + port() + "/metadata", Map.of(), 1024))
                    .isInstanceOf(RefusedDestination.class);
            assertThatThrownBy(() -> http.get("https://169.254.169.254/latest/meta-data/", Map.of(), 1024))
                    .isInstanceOf(RefusedDestination.class);
        }
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private int port() {
        return receiver.getAddress().getPort();
    }

    @Test
    void theCallGoesToTheCheckedAddressWithoutASecondLookup() throws IOException {
        // Only the guard's resolver knows pinned.test: a lookup of the client's own would fail.
        NamedHosts dns = new NamedHosts().answer("pinned.test", "127.0.0.1");
        try (OutboundHttp http = client(dns, "pinned.test")) {
            OutboundHttp.Answer answer = http.postJson("http://pinned.test:" + port() + "/hook", Map.of("X-A", "1"), "{}");

            assertThat(answer.status()).isEqualTo(204);
            assertThat(dns.lookups.get()).isEqualTo(1);
            assertThat(hostHeaders).containsExactly("pinned.test:" + port());
        }
    }

    @Test
    void aRedirectIsTheAnswerAndIsNotFollowed() throws IOException {
        try (ServerSocket elsewhere = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            redirectTargetPort = elsewhere.getLocalPort();
            elsewhere.setSoTimeout(300);
            try (OutboundHttp http = client(new NamedHosts(), "127.0.0.1/32")) {
                OutboundHttp.Answer answer = http.postJson("http://127.0.0.1:" + port() + "/moved", Map.of(), "{}");

                assertThat(answer.status()).isEqualTo(302);
                assertThat(answer.successful()).isFalse();
            }
            assertThatThrownBy(elsewhere::accept).as("nobody connected to the redirect's target")
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void aNameThatNowAnswersLoopbackIsRefusedAndNeverConnected() throws IOException {
        NamedHosts dns = new NamedHosts().answer("rebind.test", "93.184.215.14");
        try (OutboundHttp http = client(dns, "")) {
            assertThat(new OutboundGuard(dns, "").problem("https://rebind.test:" + port() + "/hook")).isEmpty();
            dns.answer("rebind.test", "127.0.0.1");

            assertThatThrownBy(() -> http.postJson("https://rebind.test:" + port() + "/hook", Map.of(), "{}"))
                    .isInstanceOf(RefusedDestination.class)
                    .hasMessage("resolves to 127.0.0.1, a loopback address");
        }
        assertThat(received.get()).isZero();
    }

    private static OutboundHttp client(NamedHosts dns, String allow) {
        return new OutboundHttp(new OutboundGuard(dns, allow));
    }
}
