package dev.gatehouse.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A stand-in Gatehouse on the JDK's HTTP server, bound to 127.0.0.1 on a free port: answers what a test
 * routes, records every request, and serves a change stream whose events the test sends.
 */
final class FakeGatehouse implements AutoCloseable {

    static final String TENANT = "/api/v1/tenants/northside";

    /** A request as received. */
    record Request(String method, String path, @Nullable String query, Map<String, List<String>> headers, String body) {
        @Nullable String header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue().getFirst();
                }
            }
            return null;
        }
    }

    /** An answer: status, headers and a body (JSON, or a problem document). */
    record Response(int status, Map<String, String> headers, String body) {
        static Response json(int status, Object body) {
            return new Response(status, Map.of("Content-Type", "application/json"), Json.MAPPER.writeValueAsString(body));
        }

        static Response problem(int status, String title, String detail, Map<String, String> headers) {
            return new Response(status, headers, Json.MAPPER.writeValueAsString(
                    Map.of("type", "about:blank", "title", title, "status", status, "detail", detail)));
        }
    }

    @FunctionalInterface
    interface Responder {
        Response respond(Request request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Responder> routes = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<OutputStream> streams = new CopyOnWriteArrayList<>();
    private final List<CountDownLatch> streamEnds = new CopyOnWriteArrayList<>();
    private volatile long helloVersion;

    FakeGatehouse() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Routes {@code method path} (the query ignored) to {@code responder}. */
    FakeGatehouse on(String method, String path, Responder responder) {
        routes.put(method + " " + path, responder);
        return this;
    }

    List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    /** The version the stream's {@code hello} carries. */
    void helloVersion(long version) {
        helloVersion = version;
    }

    /** Sends one event to every open change stream. */
    void send(String event, @Nullable Long id, String data) {
        String text = (id == null ? "" : "id: " + id + "\n") + "event: " + event + "\ndata: " + data + "\n\n";
        for (OutputStream stream : streams) {
            try {
                write(stream, text);
            } catch (IOException gone) {
                streams.remove(stream);
            }
        }
    }

    /** One event, whole: a stream is written by the test's thread and the server's. */
    private static void write(OutputStream stream, String text) throws IOException {
        synchronized (stream) {
            stream.write(text.getBytes(StandardCharsets.UTF_8));
            stream.flush();
        }
    }

    void change(long version, String kind, @Nullable String user) {
        send("change", version, Json.MAPPER.writeValueAsString(user == null
                ? Map.of("version", version, "kind", kind) : Map.of("version", version, "kind", kind, "user", user)));
    }

    int openStreams() {
        return streams.size();
    }

    /** Ends every open change stream, as a restarting server does. */
    void dropStreams() {
        streamEnds.forEach(CountDownLatch::countDown);
        streamEnds.clear();
        streams.clear();
    }

    /** Waits, at most 10 s, until {@code condition} holds; fails the test if it never does. */
    static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("never happened: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        requests.add(request);
        if (request.path().equals(TENANT + "/changes")) {
            stream(exchange);
            return;
        }
        Responder responder = routes.get(request.method() + " " + request.path());
        Response response;
        try {
            response = responder == null ? Response.problem(404, "Not found", "no route " + request.path(), Map.of())
                    : responder.respond(request);
        } catch (Exception failed) {
            response = Response.problem(500, "Test failure", String.valueOf(failed), Map.of());
        }
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        if (!response.headers().containsKey("Content-Type")) {
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
        }
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Opens a change stream: {@code hello}, then whatever {@link #send} sends, until {@link #dropStreams}. */
    private void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        CountDownLatch end = new CountDownLatch(1);
        streamEnds.add(end);
        // Listed before hello is sent: a client that has heard hello misses no event sent after it.
        streams.add(out);
        write(out, "event: hello\ndata: {\"version\": " + helloVersion + "}\n\n");
        try {
            end.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.remove(out);
            exchange.close();
        }
    }

    @Override
    public void close() {
        dropStreams();
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
