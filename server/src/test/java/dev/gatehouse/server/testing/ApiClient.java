package dev.gatehouse.server.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to a running Gatehouse over real HTTP, as a customer's script would. */
public final class ApiClient {

    /** A response: status and the parsed JSON body (a missing node when there is none). */
    public record Response(int status, JsonNode body, String raw, HttpResponse<String> http) {
        public String text(String pointer) {
            return body.at(pointer).asString();
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public ApiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Response post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response put(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response patch(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Any other request: {@code shape} sets the method, headers and body on a request to {@code path}. */
    public Response send(String path, String token, UnaryOperator<HttpRequest.Builder> shape) {
        return send(shape.apply(request(path, token)));
    }

    /**
     * {@code GET /v3/api-docs}. springdoc builds the description at the first request in a context,
     * scanning every controller, and caches it: on a loaded machine that build took longer than the
     * 30 s every other request may wait, so this one request alone may wait five minutes.
     */
    public Response apiDescription() {
        return send(request("/v3/api-docs", null).timeout(Duration.ofMinutes(5)).GET());
    }

    /** Signs in and returns the bearer token; fails the test when sign-in does not answer 200. */
    public String login(String tenant, String username, String password) {
        Response response = post("/api/v1/auth/login", null, json("tenant", tenant, "username", username, "password",
                password));
        if (response.status() != 200) {
            throw new AssertionError("sign-in of " + username + "@" + tenant + " failed: " + response.raw());
        }
        return response.text("/token");
    }

    /** A JSON object from alternating names and values (strings, numbers, booleans or raw JSON via {@link #raw}). */
    public static String json(Object... namesAndValues) {
        var node = JSON.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            String name = (String) namesAndValues[i];
            switch (value) {
                case null -> node.putNull(name);
                case Raw raw -> node.set(name, JSON.readTree(raw.json()));
                case Integer n -> node.put(name, n);
                case Boolean b -> node.put(name, b);
                default -> node.put(name, value.toString());
            }
        }
        return node.toString();
    }

    public record Raw(String json) {}

    public static Raw raw(String json) {
        return new Raw(json);
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            JsonNode body = raw == null || raw.isBlank() ? JSON.missingNode() : readOrText(raw);
            return new Response(response.statusCode(), body, raw, response);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readOrText(String raw) {
        try {
            return JSON.readTree(raw);
        } catch (RuntimeException e) {
            return JSON.getNodeFactory().stringNode(raw);
        }
    }
}
