package dev.gatehouse.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The server's change stream ({@code GET …/changes}, contract section 3) read on a daemon thread:
 * server-sent events parsed line by line (the format is four field names and a blank line), and after
 * any drop reopened with backoff, resuming with {@code Last-Event-ID} from the newest version applied,
 * so no change between the drop and the reconnection is lost.
 */
final class ChangeStream implements AutoCloseable {

    /** What the stream reports; called on the stream's thread, one event at a time. */
    interface Listener {
        void event(String type, @Nullable String id, String data);

        /** The connection failed or ended; the stream reconnects after a backoff. */
        void dropped(Exception why);
    }

    private final Transport transport;
    private final String path;
    private final LongSupplier resumeFrom;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean closed;
    private volatile @Nullable InputStream open;

    ChangeStream(Transport transport, String path, LongSupplier resumeFrom, Listener listener) {
        this.transport = transport;
        this.path = path;
        this.resumeFrom = resumeFrom;
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name("gatehouse-changes").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Drops the current connection (a silent one): the loop reconnects and resumes. */
    void abort() {
        closeQuietly(open);
    }

    @Override
    public void close() {
        closed = true;
        abort();
        thread.interrupt();
    }

    private void run() {
        int failures = 0;
        while (!closed) {
            try {
                HttpResponse<InputStream> response = transport.openStream(path, Long.toString(resumeFrom.getAsLong()));
                open = response.body();
                if (closed) {
                    break;
                }
                failures = read(response.body()) ? 0 : failures;
                listener.dropped(new IOException("the server ended the change stream"));
            } catch (IOException | GatehouseException failed) {
                if (!closed) {
                    listener.dropped(failed);
                }
            } catch (InterruptedException interrupted) {
                break;
            } finally {
                closeQuietly(open);
                open = null;
            }
            if (!closed && !pause(Transport.backoff(failures++))) {
                break;
            }
        }
    }

    /** Reads events until the stream ends; answers whether any arrived (then the backoff starts afresh). */
    private boolean read(InputStream body) throws IOException {
        boolean heard = false;
        Events events = new Events();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null && !closed; line = lines.readLine()) {
                Events.Event event = events.line(line);
                if (event != null) {
                    heard = true;
                    listener.event(event.type(), event.id(), event.data());
                }
            }
        }
        return heard;
    }

    private static boolean pause(java.time.Duration wait) {
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException interrupted) {
            return false;
        }
    }

    private static void closeQuietly(@Nullable InputStream stream) {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // Closing is how a connection is dropped: nothing more to do if it fails.
            }
        }
    }

    /**
     * The event-stream format (WHATWG HTML, "Server-sent events"): {@code field: value} lines, a blank
     * line ending an event, {@code :} comments, data lines joined with a newline; an event without data
     * is no event.
     */
    static final class Events {

        record Event(String type, @Nullable String id, String data) {}

        private String type = "message";
        private @Nullable String id;
        private @Nullable StringBuilder data;

        /** Takes one line; answers the event it completes, or null. */
        @Nullable Event line(String line) {
            if (line.isEmpty()) {
                Event event = data == null ? null : new Event(type, id, data.toString());
                type = "message";
                data = null;
                return event;
            }
            if (line.startsWith(":")) {
                return null;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "id" -> id = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // retry and unknown fields: the client keeps its own backoff.
                }
            }
            return null;
        }
    }
}
