package dev.gatehouse.server.ldap;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.identityproviders.IdentityProviders;
import dev.gatehouse.server.identityproviders.ProviderKind;
import dev.gatehouse.server.shared.Origin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Syncs each enabled LDAP provider whose {@code syncIntervalMinutes} has passed since its last run.
 * Every node looks once a minute; the run's lease ({@link SyncRuns#start}) lets one node sync a
 * provider at a time. The syncs run one after another on a thread of their own, off the scheduler's
 * single thread, which the other jobs share.
 */
@Component
class ScheduledSyncs {

    private static final Logger log = LoggerFactory.getLogger(ScheduledSyncs.class);
    private static final Origin NO_REQUEST = new Origin(null, null);

    private final IdentityProviders providers;
    private final DirectorySync sync;
    private final SyncRuns runs;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    ScheduledSyncs(IdentityProviders providers, DirectorySync sync, SyncRuns runs, Clock clock) {
        this.providers = providers;
        this.sync = sync;
        this.runs = runs;
        this.clock = clock;
    }

    @Scheduled(cron = "${gatehouse.ldap.sync-cron:30 * * * * *}", zone = "UTC")
    void look() {
        if (running.compareAndSet(false, true)) {
            Thread.ofVirtual().name("ldap-sync").start(() -> {
                try {
                    syncDue();
                } finally {
                    running.set(false);
                }
            });
        }
    }

    /** Syncs every provider that is due now; the ones it ran (the tests call it directly). */
    List<SyncRuns.Run> syncDue() {
        List<SyncRuns.Run> ran = new ArrayList<>();
        for (IdentityProvider provider : providers.everyOfKind(ProviderKind.LDAP)) {
            try {
                if (due(provider)) {
                    sync.run(provider, SyncRuns.Trigger.SCHEDULED, AuditLog.Actor.SYSTEM, NO_REQUEST).ifPresent(ran::add);
                }
            } catch (RuntimeException e) {
                log.error("scheduled LDAP sync of {} failed", provider, e);
            }
        }
        return ran;
    }

    private boolean due(IdentityProvider provider) {
        if (!provider.enabled()) {
            return false;
        }
        DirectorySettings settings = DirectorySettings.read(provider.config(), provider.secrets(), new ArrayList<>());
        if (settings == null || settings.syncIntervalMinutes() <= 0) {
            return false;
        }
        int interval = settings.syncIntervalMinutes();
        Instant now = clock.instant();
        return runs.lastStart(provider.tenant(), provider.id())
                .map(last -> !last.plus(Duration.ofMinutes(interval)).isAfter(now)).orElse(true);
    }
}
