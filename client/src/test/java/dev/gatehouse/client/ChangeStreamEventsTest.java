package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream format as the change stream reads it. */
class ChangeStreamEventsTest {

    private static List<ChangeStream.Events.Event> read(String... lines) {
        ChangeStream.Events events = new ChangeStream.Events();
        List<ChangeStream.Events.Event> read = new ArrayList<>();
        for (String line : lines) {
            ChangeStream.Events.Event event = events.line(line);
            if (event != null) {
                read.add(event);
            }
        }
        return read;
    }

    @Test
    void readsTypeIdAndDataEndedByABlankLine() {
        assertThat(read("id: 12", "event: change", "data: {\"version\": 12}", ""))
                .containsExactly(new ChangeStream.Events.Event("change", "12", "{\"version\": 12}"));
    }

    @Test
    void joinsDataLinesKeepsTheLastIdAndIgnoresComments() {
        assertThat(read(": keep-alive", "id:3", "data:a", "data: b", "", "event: heartbeat", "data: {}", ""))
                .containsExactly(new ChangeStream.Events.Event("message", "3", "a\nb"),
                        new ChangeStream.Events.Event("heartbeat", "3", "{}"));
    }

    @Test
    void anEventWithoutDataIsNoEvent() {
        assertThat(read("event: hello", "", "retry: 1000", "")).isEmpty();
    }
}
