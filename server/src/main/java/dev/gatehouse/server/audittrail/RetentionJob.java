package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.audit.ChainPurge;
import dev.gatehouse.server.shared.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The nightly retention purge over every tenant (docs/audit.md "Retention"). Every node runs it; the
 * per-tenant purge lock lets one node purge a tenant while the others skip it, and a node that comes
 * second finds nothing due. One tenant's failure is logged and does not stop the others.
 * {@code gatehouse.audit.purge-cron} moves it ({@code -} turns it off).
 */
@Component
class RetentionJob {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final ChainPurge purges;
    private final RetentionPurge retention;

    RetentionJob(ChainPurge purges, RetentionPurge retention) {
        this.purges = purges;
        this.retention = retention;
    }

    @Scheduled(cron = "${gatehouse.audit.purge-cron:0 30 3 * * *}", zone = "UTC")
    void purgeEveryTenant() {
        for (TenantId tenant : purges.tenants()) {
            try {
                switch (retention.purgeScheduled(tenant)) {
                    case RetentionPurge.Purged purged -> log.info("audit purge {}: removed seq {}..{} into {}", tenant,
                            purged.range().fromSeq(), purged.range().throughSeq(), purged.archive().name());
                    case RetentionPurge.ChainBroken broken -> log.warn("audit purge {}: skipped, the chain does not"
                            + " verify (first bad seq {})", tenant, broken.firstBadSeq());
                    case RetentionPurge.NothingDue nothing -> log.debug("audit purge {}: nothing due", tenant);
                    case RetentionPurge.Busy busy -> log.debug("audit purge {}: running on another node", tenant);
                }
            } catch (RuntimeException e) {
                log.error("audit purge {} failed; its events stay", tenant, e);
            }
        }
    }
}
