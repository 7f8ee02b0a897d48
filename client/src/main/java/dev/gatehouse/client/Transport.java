package dev.gatehouse.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Sends the client's requests: JSON in and out, the credential on each, a timeout per attempt, and
 * retries where a retry cannot repeat an effect — a 429 or 503 (the server took nothing) and a
 * connection that never opened — with exponential backoff and jitter, honouring {@code Retry-After},
 * within {@code maxRetries} and one overall deadline. No other 4xx is retried: asking again cannot
 * change the answer.
 */
final class Transport implements AutoCloseable {

    /** Waits between attempts; tests record the waits instead of sleeping them. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration wait) throws InterruptedException;
    }

    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final URI base;
    private final HttpClient http;
    private final Authorization authorization;
    private final Duration timeout;
    private final int maxRetries;
    private final Duration deadline;
    private final Sleeper sleeper;
    private final Clock clock;

    Transport(URI base, HttpClient http, Authorization authorization, Duration timeout, int maxRetries, Duration deadline,
            Sleeper sleeper, Clock clock) {
        this.base = base;
        this.http = http;
        this.authorization = authorization;
        this.timeout = timeout;
        this.maxRetries = maxRetries;
        this.deadline = deadline;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    HttpClient http() {
        return http;
    }

    Duration timeout() {
        return timeout;
    }

    URI resolve(String path) {
        return base.resolve(path);
    }

    <T> T get(String path, Class<T> type) {
        return Json.MAPPER.readValue(send("GET", path, null), type);
    }

    <T> T post(String path, Object body, Class<T> type) {
        return Json.MAPPER.readValue(send("POST", path, body), type);
    }

    void delete(String path) {
        send("DELETE", path, null);
    }

    /**
     * The body of a 2xx answer to {@code method path}, after any retries.
     *
     * @throws GatehouseException the mapped problem of any other answer; {@link UnavailableException}
     *     when no answer came within the retries and the deadline
     */
    byte[] send(String method, String path, @Nullable Object body) {
        byte[] json = body == null ? null : Json.MAPPER.writeValueAsBytes(body);
        long end = System.nanoTime() + deadline.toNanos();
        boolean renewed = false;
        for (int attempt = 0; ; attempt++) {
            Duration left = Duration.ofNanos(end - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                throw new UnavailableException(0, "Deadline passed",
                        method + " " + path + " got no answer within " + deadline, null);
            }
            String header = authorization.header();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request(method, path, json, header, min(timeout, left)),
                        HttpResponse.BodyHandlers.ofByteArray());
            } catch (ConnectException | HttpConnectTimeoutException refused) {
                // Nothing was sent: safe to try again, whatever the method.
                waitBeforeRetry(attempt, null, end, () -> unreachable(method, path, refused));
                continue;
            } catch (HttpTimeoutException slow) {
                throw new UnavailableException(0, "Timed out", method + " " + path + " got no answer within "
                        + min(timeout, left), slow);
            } catch (IOException broken) {
                throw unreachable(method, path, broken);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new UnavailableException(0, "Interrupted", method + " " + path, interrupted);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return response.body();
            }
            if (status == 401 && !renewed && authorization.renewAfterRejection(header)) {
                renewed = true;
                attempt--;
                continue;
            }
            Optional<Duration> retryAfter = Problems.retryAfter(response.headers().firstValue("Retry-After"),
                    clock.instant());
            GatehouseException refusal = Problems.toException(status, response.body(), retryAfter.orElse(null));
            if (status != 429 && status != 503) {
                throw refusal;
            }
            waitBeforeRetry(attempt, retryAfter.orElse(null), end, () -> refusal);
        }
    }

    /**
     * Opens {@code path} as a server-sent event stream: no timeout after the headers (the stream is
     * meant to stay open; its heartbeats tell it is alive) and no retries (the stream's own loop
     * reconnects).
     */
    HttpResponse<InputStream> openStream(String path, @Nullable String lastEventId)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET()
                .header("Accept", "text/event-stream")
                .header("Authorization", authorization.header());
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            byte[] problem;
            try (InputStream body = response.body()) {
                problem = body.readAllBytes();
            }
            throw Problems.toException(response.statusCode(), problem, null);
        }
        return response;
    }

    private HttpRequest request(String method, String path, byte @Nullable [] json, String header, Duration wait) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(wait)
                .header("Accept", "application/json")
                .header("Authorization", header);
        if (json == null) {
            return request.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(json)).build();
    }

    /**
     * Sleeps before attempt {@code attempt + 1}: {@code retryAfter} when the server said, else the
     * backoff; throws {@code failure} instead when no retry is left or the wait would pass the deadline.
     */
    private void waitBeforeRetry(int attempt, @Nullable Duration retryAfter, long end,
            java.util.function.Supplier<GatehouseException> failure) {
        if (attempt >= maxRetries) {
            throw failure.get();
        }
        Duration wait = retryAfter != null ? retryAfter : backoff(attempt);
        if (System.nanoTime() + wait.toNanos() >= end) {
            throw failure.get();
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw failure.get();
        }
    }

    /**
     * Exponential backoff with "equal jitter": half the doubled step for sure, the other half at
     * random, so that clients refused together do not come back together.
     */
    static Duration backoff(int attempt) {
        long step = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt, 20));
        return Duration.ofMillis(step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1));
    }

    private static UnavailableException unreachable(String method, String path, IOException cause) {
        return new UnavailableException(0, "Unreachable", method + " " + path + ": " + cause, cause);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
