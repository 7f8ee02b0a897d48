package dev.gatehouse.server.apikeys;

import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * How much each API key is used (seed 000, "usage analytics"): requests per key and day (UTC), its
 * last use and address. Counted in memory on the request path, which never writes, and flushed to
 * {@code api_key_usage} in the background every {@code gatehouse.api-keys.usage-flush} (10 s) and
 * when the node stops; a node that dies unannounced loses at most that interval's counts.
 */
@Component
class KeyUsage implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KeyUsage.class);

    private record Day(TenantId tenant, UUID key, LocalDate day) {}

    private record KeyRef(TenantId tenant, UUID key) {}

    private record LastUse(Instant at, @Nullable String ip) {}

    private final KeyStore keys;
    private final Clock clock;
    private final Map<Day, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<KeyRef, LastUse> lastUses = new ConcurrentHashMap<>();
    private volatile boolean running;

    KeyUsage(KeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** One request with the key, now, from {@code ip}. */
    void used(TenantId tenant, UUID key, @Nullable String ip) {
        Instant now = clock.instant();
        counts.computeIfAbsent(new Day(tenant, key, LocalDate.ofInstant(now, ZoneOffset.UTC)), d -> new AtomicLong())
                .incrementAndGet();
        lastUses.put(new KeyRef(tenant, key), new LastUse(now, ip));
    }

    /** Requests counted on this node and not flushed yet, for the key on {@code day}. */
    long pending(TenantId tenant, UUID key, LocalDate day) {
        AtomicLong count = counts.get(new Day(tenant, key, day));
        return count == null ? 0 : count.get();
    }

    /** Writes what was counted since the last flush; a failed write keeps its counts for the next one. */
    @Scheduled(fixedDelayString = "${gatehouse.api-keys.usage-flush:PT10S}", initialDelayString = "PT10S")
    synchronized void flush() {
        for (Map.Entry<Day, AtomicLong> entry : counts.entrySet()) {
            long requests = entry.getValue().getAndSet(0);
            Day day = entry.getKey();
            if (requests == 0) {
                // Idle since the last flush: drop the counter; a request counted on it meanwhile moves to a new one.
                if (counts.remove(day, entry.getValue())) {
                    long late = entry.getValue().getAndSet(0);
                    if (late > 0) {
                        counts.computeIfAbsent(day, d -> new AtomicLong()).addAndGet(late);
                    }
                }
                continue;
            }
            try {
                keys.addUse(day.tenant(), day.key(), day.day(), requests);
            } catch (RuntimeException e) {
                entry.getValue().addAndGet(requests);
                log.warn("Could not write API key usage; keeping it for the next flush: {}", e.getMessage());
                return;
            }
        }
        for (Map.Entry<KeyRef, LastUse> entry : lastUses.entrySet()) {
            if (lastUses.remove(entry.getKey(), entry.getValue())) {
                try {
                    keys.lastUsed(entry.getKey().tenant(), entry.getKey().key(), entry.getValue().at(),
                            entry.getValue().ip());
                } catch (RuntimeException e) {
                    lastUses.putIfAbsent(entry.getKey(), entry.getValue());
                    log.warn("Could not write an API key's last use; keeping it for the next flush: {}", e.getMessage());
                    return;
                }
            }
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** Flushes before the node stops, while the database is still there. */
    @Override
    public void stop() {
        running = false;
        flush();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
