package dev.gatehouse.server.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures are "try again soon" (503 with Retry-After) and which stay what they were. */
class UnavailabilityTest {

    static Stream<Arguments> failures() {
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        TransactionSystemException commitRefused = new TransactionSystemException("could not commit",
                new SQLException("rollback probe: the change fails at commit", "P0001"));
        TransactionSystemException commitOfBadData = new TransactionSystemException("could not commit",
                new IllegalStateException("not a connection"));
        return Stream.of(
                Arguments.of("a pool wait that timed out", new CannotGetJdbcConnectionException("Failed to obtain JDBC "
                        + "Connection", new SQLTransientConnectionException("gatehouse - Connection is not available")), true),
                Arguments.of("a transaction that could not get a connection", new CannotCreateTransactionException(
                        "Could not open JDBC Connection", new SQLTransientConnectionException("restarting")), true),
                Arguments.of("a connection lost mid-statement (SQLSTATE 08006)", new RuntimeException(
                        new SQLException("An I/O error occurred", "08006")), true),
                Arguments.of("the server shutting down (57P01)", new RuntimeException(
                        new SQLException("terminating connection due to administrator command", "57P01")), true),
                Arguments.of("the statement timeout (57014)", new RuntimeException(
                        new SQLException("canceling statement due to statement timeout", "57014")), true),
                Arguments.of("Spring's query timeout", new QueryTimeoutException("timeout"), true),
                Arguments.of("a rollback on a lost connection", rollbackFailed, true),
                Arguments.of("a bounded resource", new ServiceUnavailable("busy", Duration.ofSeconds(3)), true),
                Arguments.of("a duplicate key (23505)", new DataIntegrityViolationException("duplicate",
                        new SQLException("duplicate key", "23505")), false),
                Arguments.of("a transaction failure of another cause", commitOfBadData, false),
                Arguments.of("a commit the database refused (a trigger raising, P0001)", commitRefused, false),
                Arguments.of("a plain bug", new IllegalStateException("bug"), false));
    }

    @ParameterizedTest(name = "{0}: 503 = {2}")
    @MethodSource("failures")
    void onlyOverloadAndAnUnreachableDatabaseAreTryAgainSoon(String why, Exception failure, boolean tryAgain) {
        Unavailability.Answer answer = Unavailability.answer(failure);

        assertThat(answer != null).as(why).isEqualTo(tryAgain);
        if (answer != null) {
            assertThat(answer.retryAfter()).isPositive();
        }
    }

    @Test
    void aBoundedResourceSaysHowLongToWait() {
        assertThat(Unavailability.answer(new ServiceUnavailable("busy", Duration.ofSeconds(3))))
                .isEqualTo(new Unavailability.Answer("busy", Duration.ofSeconds(3)));
    }
}
