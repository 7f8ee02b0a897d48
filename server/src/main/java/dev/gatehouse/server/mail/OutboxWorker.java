package dev.gatehouse.server.mail;

import dev.gatehouse.server.secrets.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
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
 *
 * <p>The text is opened ({@link MailBodies}) just before it is handed to the server and dropped from
 * the row once the server took it; a failed message keeps it, sealed, to be tried again. A text that
 * does not open (another server key, or a row altered) is not sent: the message is failed at once,
 * saying so.
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

    /**
     * A claimed message; {@code attempts} counts this one. Its text is {@code sealed}, or for a row
     * written before V160 not yet sealed, {@code clear}.
     */
    record Claimed(UUID id, String recipient, String subject, byte @Nullable [] sealed, @Nullable String clear,
            int attempts) {}

    /** A row written before V160, its text in clear. */
    private record Clear(UUID id, String recipient, String body, boolean sent) {}

    private final JdbcClient jdbc;
    private final MailBodies bodies;
    private final MailTransport transport;
    private final Clock clock;
    private final int maxAttempts;
    private final int batchSize;
    private final Duration lease;

    OutboxWorker(JdbcClient jdbc, MailBodies bodies, MailTransport transport, Clock clock,
            @Value("${gatehouse.mail.max-attempts:20}") int maxAttempts,
            @Value("${gatehouse.mail.batch-size:50}") int batchSize) {
        this.jdbc = jdbc;
        this.bodies = bodies;
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
            sealClearBodies();
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
        String body;
        try {
            body = text(message);
        } catch (SecretBox.SealBroken e) {
            unreadable(message, now, "the message's text does not open with this server's key"
                    + " (GATEHOUSE_SECRET_KEY): sealed under another key, or the row was altered; nothing was sent");
            return false;
        }
        if (body == null) {
            unreadable(message, now, "the message has no text; nothing was sent");
            return false;
        }
        try {
            transport.send(message.recipient(), message.subject(), body);
        } catch (Exception e) {
            failed(message, now, e);
            return false;
        }
        // Sent: the text (a live link, perhaps) is the recipient's alone from now on, and is not kept.
        jdbc.sql("""
                        update mail_outbox set sent_at = :sent, last_error = null, body_sealed = null, body = null
                        where id = :id
                        """)
                .param("sent", utc(clock.instant())).param("id", message.id()).update();
        return true;
    }

    private @Nullable String text(Claimed message) {
        byte[] sealed = message.sealed();
        return sealed != null ? bodies.open(message.id(), message.recipient(), sealed) : message.clear();
    }

    /** A message that cannot be sent by any attempt: failed now, kept (an operator may try it again). */
    private void unreadable(Claimed message, Instant now, String error) {
        log.warn("Mail {} not sent and failed: {}", message.id(), error);
        jdbc.sql("update mail_outbox set last_error = :error, failed_at = :failed where id = :id")
                .param("error", error).param("failed", utc(now)).param("id", message.id()).update();
    }

    /**
     * Seals the text of rows written in clear before V160 (which SQL could not seal): a batch at a time
     * until none is left; a row sent meanwhile just loses its text. Each row is written only while it
     * still holds that clear text, so two nodes doing this at once, or a worker sending the row, lose
     * nothing. Returns how many rows it changed.
     */
    int sealClearBodies() {
        int changed = 0;
        List<Clear> batch;
        do {
            batch = jdbc.sql("""
                            select id, recipient, body, sent_at is not null as sent from mail_outbox
                            where body is not null
                            order by created_at
                            limit :batch
                            """)
                    .param("batch", batchSize)
                    .query((rs, n) -> new Clear(rs.getObject("id", UUID.class), rs.getString("recipient"),
                            rs.getString("body"), rs.getBoolean("sent")))
                    .list();
            for (Clear row : batch) {
                changed += jdbc.sql("""
                                update mail_outbox set body_sealed = :sealed, body = null
                                where id = :id and body is not null
                                """)
                        .param("sealed", row.sent() ? null : bodies.seal(row.id(), row.recipient(), row.body()))
                        .param("id", row.id()).update();
            }
        } while (batch.size() == batchSize);
        return changed;
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
                        returning o.id, o.recipient, o.subject, o.body_sealed, o.body, o.attempts
                        """)
                .param("leaseEnds", utc(now.plus(lease))).param("now", utc(now)).param("batch", batchSize)
                .query((rs, n) -> new Claimed(rs.getObject("id", UUID.class), rs.getString("recipient"),
                        rs.getString("subject"), rs.getBytes("body_sealed"), rs.getString("body"),
                        rs.getInt("attempts")))
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
