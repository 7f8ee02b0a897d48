package dev.gatehouse.client.spring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gatehouse as the client sees it, on a JDK HTTP server on a free port of 127.0.0.1: the tenant {@code northside}'s
 * policy (no roles) and an open change stream (contract sections 1 and 3), the audit API's batch endpoint,
 * which keeps each body it is sent and answers with {@link #auditAnswers}, and the tenant's published keys.
 */
final class FakeGatehouseServer implements AutoCloseable {

    static final String TENANT = "northside";
    private static final String BASE = "/api/v1/tenants/" + TENANT;

    private final HttpServer http;
    private final List<String> auditBatches = new CopyOnWriteArrayList<>();
    private final AtomicInteger auditStatus = new AtomicInteger(201);
    private final AtomicReference<String> keys = new AtomicReference<>("{\"keys\": []}");

    private FakeGatehouseServer(HttpServer http) {
        this.http = http;
    }

    static FakeGatehouseServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeGatehouseServer server = new FakeGatehouseServer(http);
            http.createContext(BASE + "/decisions/policy", exchange -> server.answer(exchange, 200, "application/json", """
                    {"version": 1, "tenant": {"id": "00000000-0000-4000-8000-000000000001", "slug": "northside",
                     "key": "00000000-0000-4000-8000-000000000001"}, "active": true, "timeZone": "UTC",
                     "permissions": [], "roles": [], "locations": []}"""));
            http.createContext(BASE + "/changes", server::stream);
            http.createContext(BASE + "/audit/events/batch", server::audit);
            http.createContext("/oauth2/" + TENANT + "/jwks", exchange -> server.answer(exchange, 200, "application/json",
                    server.keys.get()));
            http.setExecutor(Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "fake-gatehouse");
                thread.setDaemon(true);
                return thread;
            }));
            http.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** The starter's properties pointing at this server, with an API key and the tenant. */
    String[] properties() {
        return new String[] {"gatehouse.url=" + url(), "gatehouse.api-key=ghk_test",
            "gatehouse.tenant=" + TENANT, "gatehouse.max-retries=0"};
    }

    /** The tenant's issuer, {@code {url}/oauth2/{tenant}}, as Gatehouse writes it in its tokens' {@code iss}. */
    String issuer() {
        return url() + "/oauth2/" + TENANT;
    }

    /** Publishes the tenant's signing keys ({@code …/oauth2/{tenant}/jwks}, a JWK set). */
    void publishKeys(String jwkSet) {
        keys.set(jwkSet);
    }

    /** Each batch body sent to the audit API, in order. */
    List<String> auditBatches() {
        return List.copyOf(auditBatches);
    }

    /** What the audit API answers from now on (503 to play Gatehouse unavailable). */
    void auditAnswers(int status) {
        auditStatus.set(status);
    }

    private void audit(HttpExchange exchange) throws IOException {
        auditBatches.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        int status = auditStatus.get();
        answer(exchange, status, "application/json", status == 201 ? "{\"seqs\": [1]}" : """
                {"type": "about:blank", "title": "Service Unavailable", "status": 503}""");
    }

    /** Hello, then silence until the client hangs up or the server stops. */
    private void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream body = exchange.getResponseBody();
        body.write("event: hello\ndata: {\"version\": 1}\n\n".getBytes(StandardCharsets.UTF_8));
        body.flush();
    }

    private void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
