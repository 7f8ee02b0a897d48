package dev.gatehouse.server.shared;

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

/**
 * An API download whose client went away (Tomcat's ClientAbortException around "Broken pipe") is
 * not an error of ours: no ERROR with a stack trace, no problem document written to nobody; any
 * other failure still is one.
 */
class ClientGoneTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(Problems.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/tenants/t/audit/export");

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
    void aBrokenPipeDuringAnExportIsNotLoggedAsAnError() {
        var answer = new Problems().unexpected(new ClientAbortException(new IOException("Broken pipe")), request);

        assertThat(answer).isNull();
        assertThat(logged.list).noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void anyOtherFailureIsStillAnErrorAnsweredWithA500() {
        var answer = new Problems().unexpected(new IllegalStateException("a bug"), request);

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(logged.list).anyMatch(event -> event.getLevel() == Level.ERROR && event.getThrowableProxy() != null);
    }
}
