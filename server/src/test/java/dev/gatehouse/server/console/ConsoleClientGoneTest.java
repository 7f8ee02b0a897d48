package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import org.apache.catalina.connector.ClientAbortException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.ModelAndView;

/**
 * A console download (Users › Export CSV, Activity › export) whose browser went away is no error
 * page and no ERROR in the log: the request simply ends.
 */
class ConsoleClientGoneTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(ConsoleErrors.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void listen() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logged);
    }

    @Test
    void aBrokenPipeDuringAConsoleDownloadEndsTheRequestQuietly() {
        // The layout is asked only for pages; a request whose browser went away gets none.
        ConsoleErrors errors = new ConsoleErrors(new Layout(null, null));

        ModelAndView answer = errors.resolveException(new MockHttpServletRequest("GET", "/console/users/export"),
                new MockHttpServletResponse(), null, new ClientAbortException(new IOException("Broken pipe")));

        assertThat(answer).isNotNull();
        assertThat(answer.isEmpty()).as("handled, nothing rendered").isTrue();
        assertThat(logged.list).noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN));
    }
}
