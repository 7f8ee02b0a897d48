package dev.gatehouse.server.throttling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.shared.ServiceUnavailable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.mock.env.MockEnvironment;

/**
 * When the buckets' database cannot hand out a connection (the pool's wait ran out under load, the
 * database restarting), a throttled door answers 503 with Retry-After like every other overload,
 * never the 500 that a data-access exception would become (the memory soak found it).
 */
class ThrottleOverloadTest {

    /** A pool whose every wait times out, as Hikari reports it. */
    private static final DataSource EXHAUSTED = new DataSource() {
        @Override
        public Connection getConnection() throws SQLTransientConnectionException {
            throw new SQLTransientConnectionException("gatehouse - Connection is not available, request timed out");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLTransientConnectionException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    };

    @Test
    void anExhaustedPoolIsOverloadNotAFailure() {
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(EXHAUSTED);
        Throttle throttle = new Throttle(new ThrottleBuckets(EXHAUSTED, transactions), null, null, null, transactions,
                new SimpleMeterRegistry(), new MockEnvironment());

        assertThatThrownBy(() -> throttle.enter(
                new Throttle.Attempt(Throttle.Door.SIGN_IN, "203.0.113.7", null, null, "test")))
                .isInstanceOfSatisfying(ServiceUnavailable.class,
                        busy -> assertThat(busy.retryAfter()).isPositive());
    }
}
