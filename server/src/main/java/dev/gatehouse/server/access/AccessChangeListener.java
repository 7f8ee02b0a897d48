package dev.gatehouse.server.access;

import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.server.shared.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Listens for changes (PostgreSQL LISTEN) on a connection of its own, this node's and other nodes',
 * evicts the cache within about a second and hands each change to this node's change streams: one
 * database connection per node, whatever the number of streams. After losing the connection it
 * clears everything and, once listening again, tells every stream to reset, since it may have missed
 * notifications.
 */
@Component
class AccessChangeListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AccessChangeListener.class);
    private static final int POLL_MILLIS = 250;

    private final DataSource dataSource;
    private final AccessCache cache;
    private final ChangeStreams streams;
    private volatile boolean running;
    private Thread thread;

    AccessChangeListener(DataSource dataSource, AccessCache cache, ChangeStreams streams) {
        this.dataSource = dataSource;
        this.cache = cache;
        this.streams = streams;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("gatehouse-access-listener").start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try {
                    listenOn(connection);
                } catch (SQLException | RuntimeException e) {
                    evict(connection);
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Lost the access-change listener connection; retrying: {}", e.getMessage());
                    // Streams are told to reset once listening again (listenOn): a client reloading before
                    // that could miss what changes in between.
                    cache.evictAll();
                    pause();
                }
            }
        }
    }

    private void listenOn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("listen " + AccessChanges.CHANNEL);
        }
        missedSome(); // anything cached or streamed before listening may have missed a change
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    apply(notification.getParameter());
                }
            }
        }
    }

    /**
     * Keeps a broken connection out of the pool: it failed on the driver's own connection, which
     * the pool does not watch, so it would otherwise hand the dead connection to the next request.
     */
    private void evict(Connection connection) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
            }
        } catch (SQLException e) {
            log.debug("Could not evict the listener's connection: {}", e.getMessage());
        }
    }

    private void missedSome() {
        cache.evictAll();
        streams.resetAll();
    }

    private void apply(String payload) {
        AccessChange change = parse(payload);
        if (change == null) {
            missedSome(); // a payload this node does not understand: assume anything changed
            return;
        }
        switch (change.kind()) {
            case POLICY -> cache.evictTenant(change.tenant());
            case SUBJECT -> {
                if (change.created()) {
                    cache.evictCreatedSubject(change.tenant(), Objects.requireNonNull(change.user()));
                } else {
                    cache.evictSubject(change.tenant(), Objects.requireNonNull(change.user()));
                }
            }
            case RELATIONS -> cache.evictRelations(change.tenant(), Objects.requireNonNull(change.user()));
        }
        streams.heard(change);
    }

    /** {@link AccessChange#payload}'s {@code kind:tenant:user:version}, or null for anything else. */
    static @Nullable AccessChange parse(String payload) {
        String[] parts = payload.split(":");
        if (parts.length != 4) {
            return null;
        }
        try {
            boolean created = parts[0].equals(AccessChange.CREATED);
            AccessChange.Kind kind = created ? AccessChange.Kind.SUBJECT : AccessChange.Kind.valueOf(parts[0]);
            UUID user = parts[2].equals("-") ? null : UUID.fromString(parts[2]);
            if ((kind == AccessChange.Kind.POLICY) != (user == null)) {
                return null;
            }
            return new AccessChange(Long.parseLong(parts[3]), new TenantId(UUID.fromString(parts[1])), kind, user,
                    created);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
