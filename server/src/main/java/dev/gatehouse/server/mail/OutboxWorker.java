package dev.gatehouse.server.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the outbox over SMTP. Every node runs it: a message is claimed with
 * {@code for update skip locked} and leased while it is being sent, so two workers never take the same
 * one, and a node that dies while sending leaves it to be taken again when the lease ends. A
 * message the server refuses, or cannot take because it is down, stays queued and is retried with
 * exponential backoff (30 s, 1 min, 2 min … at most 1 h apart); after the last attempt it is
 * marked failed and kept for operators.
 */
@Component
class OutboxWorker {

    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration LONGEST_RETRY = Duration.ofHours(1);
    /**
     * The longest one message can hold a worker: the transport's connect, read and write timeouts.
     * A batch is leased for this times its size plus a minute, so no other worker takes a claimed
     * message while its claimant may still be sending it.
     */
    static final Duration LONGEST_SEND = Duration.ofSeconds(30);
    private static final int MAX_ERROR_LENGTH = 1000;

    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);

    /** A claimed message; {@code attempts} counts this one. */
    record Claimed(UUID id, String recipient, String subject, String body, int attempts) {}

    private final JdbcClient jdbc;
    private final MailTransport transport;
    private final Clock clock;
    private final int maxAttempts;
    private final int batchSize;
    private final Duration lease;

    OutboxWorker(JdbcClient jdbc, MailTransport transport, Clock clock,
            @Value("${gatehouse.mail.max-attempts:20}") int maxAttempts,
            @Value("${gatehouse.mail.batch-size:50}") int batchSize) {
        this.jdbc = jdbc;
        this.transport = transport;
        this.clock = clock;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.batchSize = Math.max(1, batchSize);
        this.lease = LONGEST_SEND.multipliedBy(this.batchSize).plusMinutes(1);
    }

    @Scheduled(fixedDelayString = "${gatehouse.mail.poll-interval:PT10S}",
            initialDelayString = "${gatehouse.mail.initial-delay:PT10S}")
    void poll() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            // The database may be away for a moment; the next poll tries again.
            log.warn("Mail outbox poll failed: {}", e.toString());
        }
    }

    /** Sends what is due now; returns how many messages the server took. Nothing without SMTP. */
    int deliverDue() {
        return deliverDue(clock.instant());
    }

    /** As {@link #deliverDue()}, with {@code now} as the time that decides what is due (tests move it on). */
    int deliverDue(Instant now) {
        if (!transport.configured()) {
            return 0;
        }
        int sent = 0;
        List<Claimed> batch;
        do {
            batch = claim(now);
            for (Claimed message : batch) {
                if (deliver(message, now)) {
                    sent++;
                }
            }
        } while (batch.size() == batchSize);
        return sent;
    }

    private boolean deliver(Claimed message, Instant now) {
        try {
            transport.send(message.recipient(), message.subject(), message.body());
        } catch (Exception e) {
            failed(message, now, e);
            return false;
        }
        jdbc.sql("update mail_outbox set sent_at = :sent, last_error = null where id = :id")
                .param("sent", utc(clock.instant())).param("id", message.id()).update();
        return true;
    }

    /**
     * One statement, committed on its own: the due messages no other worker holds, leased to this
     * one and counted as attempted before anything is sent.
     */
    private List<Claimed> claim(Instant now) {
        return jdbc.sql("""
                        update mail_outbox o set attempts = o.attempts + 1, next_attempt_at = :leaseEnds
                        from (select id from mail_outbox
                              where sent_at is null and failed_at is null and next_attempt_at <= :now
                              order by next_attempt_at
                              limit :batch
                              for update skip locked) due
                        where o.id = due.id
                        returning o.id, o.recipient, o.subject, o.body, o.attempts
                        """)
                .param("leaseEnds", utc(now.plus(lease))).param("now", utc(now)).param("batch", batchSize)
                .query((rs, n) -> new Claimed(rs.getObject("id", UUID.class), rs.getString("recipient"),
                        rs.getString("subject"), rs.getString("body"), rs.getInt("attempts")))
                .list();
    }

    private void failed(Claimed message, Instant now, Exception e) {
        boolean givingUp = message.attempts() >= maxAttempts;
        String error = describe(e);
        log.warn("Mail {} not sent (attempt {} of {}): {}", message.id(), message.attempts(), maxAttempts, error);
        jdbc.sql("""
                        update mail_outbox set last_error = :error, next_attempt_at = :next, failed_at = :failed
                        where id = :id
                        """)
                .param("error", error).param("next", utc(now.plus(backoff(message.attempts()))))
                .param("failed", givingUp ? utc(now) : null).param("id", message.id()).update();
    }

    /** The wait after the {@code attempts}-th failed attempt: 30 s doubling, at most an hour. */
    static Duration backoff(int attempts) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 20);
        Duration wait = FIRST_RETRY.multipliedBy(1L << doublings);
        return wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait;
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getMessage() != null) {
                text.append(cause == e ? ": " : " <- ").append(cause.getMessage().strip());
            }
        }
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text.toString();
    }

    private static java.time.OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
