package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Listens for other nodes' changes (PostgreSQL LISTEN) on a connection of its own and evicts the
 * cache within about a second. After losing the connection it clears everything, since it may
 * have missed notifications.
 */
@Component
class AccessChangeListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AccessChangeListener.class);
    private static final int POLL_MILLIS = 250;

    private final DataSource dataSource;
    private final AccessCache cache;
    private volatile boolean running;
    private Thread thread;

    AccessChangeListener(DataSource dataSource, AccessCache cache) {
        this.dataSource = dataSource;
        this.cache = cache;
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
                try (Statement statement = connection.createStatement()) {
                    statement.execute("listen " + AccessChanges.CHANNEL);
                }
                cache.evictAll(); // anything cached before listening may have missed a change
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            apply(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Lost the access-change listener connection; retrying: {}", e.getMessage());
                    cache.evictAll();
                    pause();
                }
            }
        }
    }

    private void apply(String payload) {
        String[] parts = payload.split(":");
        try {
            if (parts[0].equals("policy") && parts.length == 2) {
                cache.evictTenant(new TenantId(UUID.fromString(parts[1])));
            } else if (parts[0].equals("relations") && parts.length == 3) {
                cache.evictRelations(new TenantId(UUID.fromString(parts[1])), UUID.fromString(parts[2]));
            } else if (parts[0].equals("subject") && parts.length == 3) {
                cache.evictSubject(new TenantId(UUID.fromString(parts[1])), UUID.fromString(parts[2]));
            } else {
                cache.evictAll();
            }
        } catch (IllegalArgumentException e) {
            cache.evictAll();
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
