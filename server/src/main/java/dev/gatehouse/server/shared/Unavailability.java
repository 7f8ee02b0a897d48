package dev.gatehouse.server.shared;

import jakarta.servlet.http.HttpServletRequest;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Overload and an unreachable database answer {@code 503} with {@code Retry-After}, never a
 * {@code 500} and never a request held until a pool gives up (docs/security.md, "Durability and
 * overload"): a pool wait that timed out, a connection that broke, a database restarting or a
 * statement that ran past its timeout, and a {@link ServiceUnavailable} of a bounded resource.
 * Ordered before {@link Problems}, whose catch-all would answer these with a 500.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class Unavailability {

    /** What a client is asked to wait when the database failed: the embedded one restarts within seconds. */
    public static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(Unavailability.class);

    @ExceptionHandler({ServiceUnavailable.class, DataAccessResourceFailureException.class,
            TransientDataAccessResourceException.class, QueryTimeoutException.class,
            CannotCreateTransactionException.class, TransactionSystemException.class})
    ResponseEntity<ProblemDetail> unavailable(Exception e, HttpServletRequest request) {
        Answer answer = answer(e);
        if (answer == null) {
            // A transaction failure with another cause: what Problems would answer.
            log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
            return Problems.problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                    "something went wrong on our side; it has been logged", List.of(), request);
        }
        ResponseEntity<ProblemDetail> problem = Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable",
                answer.detail(), List.of(), request);
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .header("Retry-After", Long.toString(answer.retryAfter().toSeconds())).body(problem.getBody());
    }

    /** The detail and wait of a failure that means "try again soon", or null for any other failure. */
    public static @Nullable Answer answer(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ServiceUnavailable busy) {
                return new Answer(busy.getMessage(), busy.retryAfter());
            }
            if (cause instanceof TransactionSystemException transaction) {
                // A commit or rollback that failed at the JDBC level lost its connection; the failure
                // the rollback was for may say more.
                Answer application = transaction.getApplicationException() == null ? null
                        : answer(transaction.getApplicationException());
                if (application != null || transaction.getCause() instanceof SQLException sql && lostConnection(sql)) {
                    return application != null ? application
                            : new Answer("the database is unavailable or busy; try again", DATABASE_RETRY_AFTER);
                }
            }
            if (cause instanceof QueryTimeoutException) {
                return new Answer("the database took too long to answer; try again", DATABASE_RETRY_AFTER);
            }
            if (cause instanceof SQLTransientConnectionException || cause instanceof DataAccessResourceFailureException
                    || cause instanceof TransientDataAccessResourceException
                    || (cause instanceof SQLException sql && unavailableState(sql.getSQLState()))) {
                return new Answer("the database is unavailable or busy; try again", DATABASE_RETRY_AFTER);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    /**
     * SQLSTATE class 08 (connection exception), 57P01-03 (the server shutting down, crashed or
     * starting) and 57014 (a statement cancelled by its statement_timeout).
     */
    private static boolean unavailableState(@Nullable String state) {
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("57014"));
    }

    /**
     * A commit or rollback that failed because the connection is gone (class 08, or a pool's closed
     * connection without a state) — not one the database refused, such as a deferred constraint or
     * trigger raising at commit (SQLSTATE 23xxx, P0001): that is the change's own failure.
     */
    private static boolean lostConnection(SQLException failure) {
        String state = failure.getSQLState();
        return unavailableState(state)
                || state == null && failure.getMessage() != null && failure.getMessage().contains("closed");
    }

    public record Answer(String detail, Duration retryAfter) {}
}
