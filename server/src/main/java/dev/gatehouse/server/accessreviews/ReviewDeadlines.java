package dev.gatehouse.server.accessreviews;

import dev.gatehouse.engine.Scope;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The campaigns' clock: reminders before the due date and the default decisions at it. Every node
 * runs it; each campaign is taken row-locked with {@code skip locked}, one per transaction, so
 * exactly one node reminds or completes it and a node that comes second finds it done.
 * {@code gatehouse.access-reviews.cron} moves it ({@code -} turns it off).
 */
@Component
class ReviewDeadlines {

    private static final Logger log = LoggerFactory.getLogger(ReviewDeadlines.class);

    /** Reviewers with undecided items hear of it once, this long before the due date. */
    static final Duration REMINDER_BEFORE = Duration.ofDays(3);
    /** A run handles at most this many campaigns of each kind; the next run takes the rest. */
    private static final int PER_RUN = 100;

    private final ReviewStore store;
    private final AccessReviews reviews;
    private final TransactionTemplate transactions;
    private final TenantDirectory tenants;
    private final Access access;
    private final UserStore users;
    private final Outbox outbox;
    private final AuditLog audit;
    private final PublicUrl publicUrl;
    private final Clock clock;

    ReviewDeadlines(ReviewStore store, AccessReviews reviews, TransactionTemplate transactions, TenantDirectory tenants,
            Access access, UserStore users, Outbox outbox, AuditLog audit, PublicUrl publicUrl, Clock clock) {
        this.store = store;
        this.reviews = reviews;
        this.transactions = transactions;
        this.tenants = tenants;
        this.access = access;
        this.users = users;
        this.outbox = outbox;
        this.audit = audit;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    @Scheduled(cron = "${gatehouse.access-reviews.cron:0 */5 * * * *}", zone = "UTC")
    void run() {
        try {
            int reminded = remindDue();
            int completed = completeDue();
            if (reminded + completed > 0) {
                log.info("access reviews: {} reminded, {} completed", reminded, completed);
            }
        } catch (RuntimeException e) {
            log.error("access review deadlines failed; the next run tries again", e);
        }
    }

    /**
     * Completes every campaign due by now; answers how many. One that fails rolls back alone, is
     * logged, and waits for the next run, without holding up the others.
     */
    int completeDue() {
        int done = 0;
        Set<UUID> failed = new LinkedHashSet<>();
        while (done + failed.size() < PER_RUN) {
            UUID[] taken = new UUID[1];
            try {
                Boolean completed = transactions.execute(status -> {
                    List<ReviewStore.Review> due = store.dueForUpdate(clock.instant(), 1, failed);
                    if (due.isEmpty()) {
                        return false;
                    }
                    ReviewStore.Review review = due.getFirst();
                    taken[0] = review.id();
                    reviews.completeDue(scoped(review.tenant()), review);
                    return true;
                });
                if (!Boolean.TRUE.equals(completed)) {
                    break;
                }
                done++;
            } catch (RuntimeException e) {
                if (taken[0] == null) {
                    throw e;
                }
                log.error("access review {} could not be completed; the next run tries again", taken[0], e);
                failed.add(taken[0]);
            }
        }
        return done;
    }

    /** Mails the reviewers of every campaign due within {@link #REMINDER_BEFORE} not reminded yet. */
    int remindDue() {
        int done = 0;
        while (done < PER_RUN && Boolean.TRUE.equals(transactions.execute(status -> {
            Instant now = clock.instant();
            List<ReviewStore.Review> due = store.toRemindForUpdate(now.plus(REMINDER_BEFORE), 1);
            if (due.isEmpty()) {
                return false;
            }
            remind(due.getFirst(), now);
            return true;
        }))) {
            done++;
        }
        return done;
    }

    private void remind(ReviewStore.Review review, Instant now) {
        TenantId tenant = review.tenant();
        Set<UUID> reviewers = new LinkedHashSet<>();
        boolean anyManager = false;
        for (ReviewStore.Item item : store.items(tenant, review.id(), null)) {
            if (item.decision() != null) {
                continue;
            }
            if (item.reviewer() != null) {
                reviewers.add(item.reviewer());
            } else {
                anyManager = true;
            }
        }
        if (anyManager) {
            // Items nobody else may take (the creator's own) go to every holder of the permission, tenant-wide.
            access.holders(tenant, AccessReviews.MANAGE, null, now).stream()
                    .filter(holder -> access.effectivePermissions(tenant, holder.id(), null).stream()
                            .anyMatch(held -> held.permission().equals(AccessReviews.MANAGE)
                                    && held.scope() == Scope.TENANT))
                    .forEach(holder -> reviewers.add(holder.id()));
        }
        List<String> addresses = reviewers.isEmpty() ? List.of() : users.activeEmails(tenant, reviewers);
        String link = publicUrl.base() + "/console/reviews/" + review.id();
        for (String address : addresses) {
            outbox.enqueue(tenant, new Outbox.Message(address, "Access review due " + review.dueAt() + ": "
                    + review.name(), """
                    The access review "%s" in %s has assignments waiting for your decision.

                    Keep or revoke each of them by %s (UTC): %s

                    Items left unanswered then are decided by default: %s.
                    """.formatted(review.name(), tenants.name(tenant), review.dueAt(), link,
                    review.defaultDecision()), Outbox.Kind.NOTICE));
        }
        store.reminded(tenant, review.id(), now);
        audit.record(tenant, "ACCESS_REVIEW_REMINDED", AuditLog.Actor.SYSTEM,
                new AuditLog.Target("access_review", review.id().toString(), review.name()), null, null,
                Map.of("recipients", addresses.size(), "dueAt", review.dueAt().toString()));
    }

    private TenantScope.Scoped scoped(TenantId tenant) {
        TenantDirectory.Named named = tenants.named(tenant).orElseThrow();
        return TenantScope.of(tenant, named.slug(), named.pack());
    }
}
