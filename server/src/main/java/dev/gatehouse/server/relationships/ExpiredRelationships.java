package dev.gatehouse.server.relationships;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Removes tuples that expired long ago, so that a table built for millions of tuples does not fill
 * with shares nobody can use. An expired tuple never counts in a check, so removing it changes no
 * answer about now; it is kept for {@link #KEPT} after its expiry, so lists and checks "as of"
 * a recent moment still see it. Every node sweeps; each batch skips the rows another node holds.
 */
@Component
class ExpiredRelationships {

    /** How long an expired tuple stays listed after its expiry. */
    static final Duration KEPT = Duration.ofDays(30);
    private static final int BATCH = 1_000;
    private static final Logger log = LoggerFactory.getLogger(ExpiredRelationships.class);

    private final RelationshipStore store;
    private final Clock clock;

    ExpiredRelationships(RelationshipStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Answers how many tuples it removed. */
    @Scheduled(fixedDelayString = "${gatehouse.relationships.sweep-interval:PT1H}", initialDelayString = "PT15M")
    int sweep() {
        int removed = 0;
        try {
            int batch;
            do {
                batch = store.deleteExpiredBefore(clock.instant().minus(KEPT), BATCH);
                removed += batch;
            } while (batch == BATCH);
        } catch (RuntimeException e) {
            log.warn("Could not remove expired relationships: {}", e.getMessage());
        }
        return removed;
    }
}
