package dev.gatehouse.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An OAuth client's own access token (RFC 6749 §4.4, client credentials) from the tenant's token endpoint
 * ({@code {baseUrl}/oauth2/{tenant}/token}), kept until shortly before it expires, so that a busy
 * application asks for one token per lifetime, not one per call.
 */
final class ClientCredentials implements Authorization {

    /** Renewed this long before {@code expires_in} ends (or at half its life, if shorter): no request carries a dying token. */
    static final Duration MARGIN = Duration.ofSeconds(30);

    private final URI tokenEndpoint;
    private final String basic;
    private final String form;
    private final Duration timeout;
    private final Clock clock;
    private @Nullable HttpClient http;
    private @Nullable Token token;

    private record Token(String header, Instant renewAt) {}

    ClientCredentials(URI tokenEndpoint, String clientId, String secret, List<String> scopes, Duration timeout,
            Clock clock) {
        this.tokenEndpoint = tokenEndpoint;
        // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined for Basic.
        this.basic = "Basic " + Base64.getEncoder().encodeToString((encode(clientId) + ":" + encode(secret))
                .getBytes(StandardCharsets.UTF_8));
        this.form = "grant_type=client_credentials"
                + (scopes.isEmpty() ? "" : "&scope=" + encode(String.join(" ", scopes)));
        this.timeout = timeout;
        this.clock = clock;
    }

    /** The client's HTTP connection pool, set once the client is built. */
    void use(HttpClient client) {
        this.http = client;
    }

    @Override
    public synchronized String header() {
        Instant now = clock.instant();
        if (token == null || !now.isBefore(token.renewAt())) {
            token = fetch(now);
        }
        return token.header();
    }

    @Override
    public synchronized boolean renewAfterRejection(String header) {
        if (token != null && token.header().equals(header)) {
            token = null;
        }
        return true;
    }

    private Token fetch(Instant now) {
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint).timeout(timeout)
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<byte[]> response;
        try {
            response = java.util.Objects.requireNonNull(http, "not built").send(request,
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException broken) {
            throw new UnavailableException(0, "Unreachable", "token endpoint " + tokenEndpoint + ": " + broken, broken);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(0, "Interrupted", "token endpoint " + tokenEndpoint, interrupted);
        }
        Map<String, Object> answer = response.body().length == 0 ? Map.of()
                : Json.MAPPER.readValue(response.body(), Json.TREE);
        if (response.statusCode() != 200 || !(answer.get("access_token") instanceof String accessToken)) {
            // RFC 6749 §5.2: {error, error_description}; a refused client is the caller's credential problem.
            String detail = "token endpoint refused the client: " + answer.getOrDefault("error", response.statusCode())
                    + (answer.get("error_description") instanceof String why ? " (" + why + ")" : "");
            if (response.statusCode() >= 500) {
                throw new UnavailableException(response.statusCode(), "Token endpoint failed", detail, null);
            }
            throw new UnauthenticatedException("Client credentials refused", detail, List.of());
        }
        long lifetime = answer.get("expires_in") instanceof Number seconds ? seconds.longValue() : 60;
        Duration margin = Duration.ofSeconds(Math.min(MARGIN.toSeconds(), lifetime / 2));
        return new Token("Bearer " + accessToken, now.plusSeconds(lifetime).minus(margin));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
