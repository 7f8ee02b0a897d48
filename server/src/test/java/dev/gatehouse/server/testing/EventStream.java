package dev.gatehouse.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A server-sent events client for the ITs (issue 14's change stream), as an SDK would read it:
 * {@code EventStream.open(port, path, token, Map.of("Last-Event-ID", "12"))}, then {@link #next}
 * waits a bounded time for each event, and {@link #ended} for the server to close the stream.
 */
public final class EventStream implements AutoCloseable {

    /** One event: {@code event:} name, {@code id:} (null when none) and the {@code data:} as JSON. */
    public record Event(String name, @Nullable String id, JsonNode data) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Event END = new Event("<end>", null, JSON.missingNode());

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;

    private EventStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    public static EventStream open(int port, String path, String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        try {
            return new EventStream(HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static EventStream open(int port, String path, String token) {
        return open(port, path, token, Map.of());
    }

    public int status() {
        return response.statusCode();
    }

    public HttpResponse<Stream<String>> http() {
        return response;
    }

    /** The next event within {@code within}; fails the test when none comes or the stream ended. */
    public Event next(Duration within) {
        Event event = poll(within);
        if (event == null || event == END) {
            throw new AssertionError(event == null ? "no event within " + within : "the stream ended");
        }
        return event;
    }

    /** The next event named {@code name} within {@code within}, skipping heartbeats and others. */
    public Event next(String name, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Event event = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (event.name().equals(name)) {
                return event;
            }
        }
    }

    /** Every event until the stream ends, waiting at most {@code within} for the end; false when it did not end. */
    public boolean ended(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Event event = poll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (event == END) {
                return true;
            }
        }
        return false;
    }

    private @Nullable Event poll(Duration within) {
        try {
            return events.poll(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The whole body as text, for an answer that is not a stream (a problem document). */
    public String body() {
        List<String> lines = new ArrayList<>();
        Event event;
        while ((event = poll(Duration.ofSeconds(5))) != null && event != END) {
            lines.add(event.data().toString());
        }
        return String.join("\n", lines);
    }

    private void read() {
        String name = "message";
        String id = null;
        StringBuilder data = new StringBuilder();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name, id, JSON.readTree(data.toString())));
                    }
                    name = "message";
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                } else if (!line.startsWith(":")) {
                    data.append(line); // not a stream: a problem document's lines
                }
            }
            if (!data.isEmpty()) {
                events.add(new Event("<body>", null, JSON.readTree(data.toString())));
            }
        } catch (RuntimeException e) {
            // the connection closed under us: the end
        } finally {
            events.add(END);
        }
    }

    @Override
    public void close() {
        reader.interrupt();
        try {
            response.body().close();
        } catch (RuntimeException ignored) {
            // closing a stream that ended already
        }
    }
}
