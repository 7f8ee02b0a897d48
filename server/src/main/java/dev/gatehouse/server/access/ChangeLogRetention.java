package dev.gatehouse.server.access;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the change log to a window ({@code gatehouse.changes.retention}, a day by default): a client
 * that was away longer reloads (docs/changes.md, "Retention"). Every node prunes; the deletes are
 * idempotent, so several nodes doing it at once only repeat each other.
 */
@Component
class ChangeLogRetention {

    private static final Logger log = LoggerFactory.getLogger(ChangeLogRetention.class);

    private final ChangeLog changeLog;
    private final Duration retention;

    ChangeLogRetention(ChangeLog changeLog, @Value("${gatehouse.changes.retention:PT24H}") Duration retention) {
        this.changeLog = changeLog;
        this.retention = retention;
    }

    @Scheduled(fixedDelayString = "${gatehouse.changes.prune-interval:PT10M}", initialDelayString = "PT1M")
    void prune() {
        int removed = changeLog.prune(retention);
        if (removed > 0) {
            log.debug("Pruned {} change-log rows older than {}", removed, retention);
        }
    }
}
