package dev.gatehouse.server.overrides;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Ends the overrides whose window closed: the role lapsed with its assignment already, and this
 * ends the session, disables the account and writes {@code OVERRIDE_ENDED} (by "expiry") to both
 * trails. Safe on many nodes at once: each lapsed override is taken by one ({@code SKIP LOCKED}).
 */
@Component
class OverrideExpiry {

    private static final Logger log = LoggerFactory.getLogger(OverrideExpiry.class);

    private final Overrides overrides;

    OverrideExpiry(Overrides overrides) {
        this.overrides = overrides;
    }

    @Scheduled(fixedDelayString = "${gatehouse.overrides.sweep-interval:PT30S}",
            initialDelayString = "${gatehouse.overrides.sweep-interval:PT30S}")
    void sweep() {
        try {
            overrides.endLapsed();
        } catch (RuntimeException e) {
            log.warn("Ending lapsed platform overrides failed: {}", e.toString());
        }
    }
}
