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
        receiver.start();
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
