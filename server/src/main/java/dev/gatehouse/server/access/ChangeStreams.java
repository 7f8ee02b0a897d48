package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.SecurityShortcut;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TooManyRequests;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * This node's open change streams (issue 14, docs/changes.md), fed by the one
 * {@link AccessChangeListener} connection: a stream holds no database connection, and a slow client
 * delays only its own stream, whose events a virtual thread sends. Every heartbeat checks again that
 * the caller's credential still works and still carries {@code access.check}; a stream whose check
 * fails, or whose client has fallen {@link #MAX_PENDING} events behind, is closed (the client resumes
 * from the last version it saw).
 */
@Component
class ChangeStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeStreams.class);

    /** Events a stream may have waiting for a slow client before it is closed. */
    static final int MAX_PENDING = 1_000;
    /** How long a client over the cap is told to wait: about as long as a stream takes to notice its end. */
    private static final long RETRY_AFTER_SECONDS = 10;

    private final ChangeLog changeLog;
    private final SecurityShortcut security;
    private final Access access;
    private final Duration heartbeat;
    private final int maxPerTenant;
    private final Map<TenantId, Set<Stream>> open = new ConcurrentHashMap<>();
    /** Made again by {@link #start}: a context may stop and start its lifecycle beans more than once. */
    private volatile ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private volatile @Nullable ScheduledExecutorService beats;
    private volatile boolean running;

    ChangeStreams(ChangeLog changeLog, SecurityShortcut security, Access access,
            @Value("${gatehouse.changes.heartbeat:PT5S}") Duration heartbeat,
            @Value("${gatehouse.changes.max-streams-per-tenant:100}") int maxPerTenant) {
        this.changeLog = changeLog;
        this.security = security;
        this.access = access;
        this.heartbeat = heartbeat;
        this.maxPerTenant = maxPerTenant;
    }

    /** What a stream sends, in order. */
    private sealed interface Event {}

    private record Hello(long version) implements Event {}

    private record Change(AccessChange change) implements Event {}

    /** A reset whose version is read when it is sent (after a lost listener connection). */
    private record Reset(@Nullable Long version) implements Event {}

    private record Beat() implements Event {}

    /** The {@code data} of hello, reset and heartbeat events. */
    record VersionData(long version) {}

    /** The {@code data} of a change event. */
    record ChangeData(long version, AccessChange.Kind kind, @Nullable String user) {}

    /**
     * Opens a stream of the caller's tenant: hello, then the changes after {@code since} (or a reset),
     * then live changes. Registered before the log is read, so that no change committed meanwhile is
     * missed (one heard both ways is sent twice, which is harmless).
     *
     * @throws TooManyRequests when the tenant already has its cap of streams on this node
     */
    SseEmitter open(Caller caller, HttpServletRequest request, @Nullable Long since) {
        Stream stream = new Stream(caller, request, new SseEmitter(0L));
        if (!register(stream)) {
            throw new TooManyRequests(RETRY_AFTER_SECONDS, "this tenant already has " + maxPerTenant
                    + " change streams open on this server; close one or try again in " + RETRY_AFTER_SECONDS
                    + " seconds");
        }
        stream.emitter.onCompletion(() -> unregister(stream));
        stream.emitter.onTimeout(() -> unregister(stream));
        stream.emitter.onError(e -> unregister(stream));
        try {
            List<Event> first = new ArrayList<>();
            if (since == null) {
                first.add(new Hello(changeLog.newest(caller.tenant())));
            } else {
                switch (changeLog.since(caller.tenant(), since)) {
                    case ChangeLog.Missed missed -> {
                        first.add(new Hello(missed.newest()));
                        missed.changes().forEach(change -> first.add(new Change(change)));
                    }
                    case ChangeLog.Reset reset -> {
                        first.add(new Hello(reset.newest()));
                        first.add(new Reset(reset.newest()));
                    }
                }
            }
            stream.start(first);
            schedule(stream);
            return stream.emitter;
        } catch (RuntimeException e) {
            unregister(stream);
            throw e;
        }
    }

    /** A change this node heard of: to every stream of its tenant. */
    void heard(AccessChange change) {
        Set<Stream> streams = open.get(change.tenant());
        if (streams != null) {
            streams.forEach(stream -> enqueue(stream, new Change(change)));
        }
    }

    /** Changes may have been missed (the listener lost its connection): every stream tells its client to reload. */
    void resetAll() {
        open.values().forEach(streams -> streams.forEach(stream -> enqueue(stream, new Reset(null))));
    }

    private boolean register(Stream stream) {
        AtomicBoolean added = new AtomicBoolean();
        open.compute(stream.caller.tenant(), (tenant, streams) -> {
            Set<Stream> all = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            if (all.size() < maxPerTenant) {
                added.set(all.add(stream));
            }
            return all.isEmpty() ? null : all;
        });
        return added.get();
    }

    private void unregister(Stream stream) {
        stream.closed = true;
        open.computeIfPresent(stream.caller.tenant(), (tenant, streams) -> {
            streams.remove(stream);
            return streams.isEmpty() ? null : streams;
        });
    }

    private void enqueue(Stream stream, Event event) {
        if (stream.offer(event)) {
            schedule(stream);
        } else if (!stream.closed && stream.pending.get() >= MAX_PENDING) {
            log.info("Closing a change stream of tenant {}: its client is {} events behind", stream.caller.tenant(),
                    MAX_PENDING);
            close(stream);
        }
    }

    private void schedule(Stream stream) {
        if (stream.draining.compareAndSet(false, true)) {
            senders.execute(() -> drain(stream));
        }
    }

    private void drain(Stream stream) {
        try {
            Event event;
            while (!stream.closed && (event = stream.poll()) != null) {
                send(stream, event);
            }
        } catch (IOException | IllegalStateException gone) {
            unregister(stream); // the client went away, or the stream was completed meanwhile
        } catch (RuntimeException e) {
            log.warn("Closing a change stream of tenant {}: {}", stream.caller.tenant(), e.toString());
            close(stream);
        } finally {
            stream.draining.set(false);
        }
        if (!stream.closed && stream.hasPending()) {
            schedule(stream);
        }
    }

    private void send(Stream stream, Event event) throws IOException {
        switch (event) {
            case Hello hello -> {
                stream.version = hello.version();
                stream.emitter.send(SseEmitter.event().name("hello").data(new VersionData(hello.version()),
                        MediaType.APPLICATION_JSON));
            }
            case Change(AccessChange change) -> {
                stream.version = Math.max(stream.version, change.version());
                stream.emitter.send(SseEmitter.event().id(Long.toString(change.version())).name("change")
                        .data(new ChangeData(change.version(), change.kind(),
                                change.user() == null ? null : change.user().toString()), MediaType.APPLICATION_JSON));
            }
            case Reset reset -> {
                long newest = reset.version() != null ? reset.version() : changeLog.newest(stream.caller.tenant());
                stream.version = newest;
                stream.emitter.send(SseEmitter.event().name("reset").data(new VersionData(newest),
                        MediaType.APPLICATION_JSON));
            }
            case Beat beat -> {
                if (!stillAllowed(stream)) {
                    close(stream);
                    return;
                }
                stream.emitter.send(SseEmitter.event().name("heartbeat").data(new VersionData(stream.version),
                        MediaType.APPLICATION_JSON));
            }
        }
    }

    /**
     * Whether the request's credential would still be let through, as the same caller, holding
     * {@code access.check}: a revoked key, an ended session or a locked user ends the stream.
     */
    private boolean stillAllowed(Stream stream) {
        Caller now = security.stillLetThrough(stream.request);
        return now != null && now.userId().equals(stream.caller.userId()) && now.tenant().equals(stream.caller.tenant())
                && access.allows(now, CheckController.ASK_ABOUT_OTHERS, null);
    }

    private void close(Stream stream) {
        unregister(stream);
        try {
            stream.emitter.complete();
        } catch (IllegalStateException alreadyDone) {
            // completed by the container (client gone) in the meantime
        }
    }

    private void beat() {
        open.values().forEach(streams -> streams.forEach(stream -> enqueue(stream, new Beat())));
    }

    @Override
    public void start() {
        if (senders.isShutdown()) {
            senders = Executors.newVirtualThreadPerTaskExecutor();
        }
        ScheduledExecutorService beating = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("gatehouse-change-heartbeat").factory());
        beating.scheduleAtFixedRate(this::beat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        beats = beating;
        running = true;
    }

    /** Before the web server's graceful shutdown, which would otherwise wait for every open stream. */
    @Override
    public void stop() {
        running = false;
        ScheduledExecutorService beating = beats;
        if (beating != null) {
            beating.shutdownNow();
        }
        open.values().forEach(streams -> streams.forEach(this::close));
        senders.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * One client's stream: its events wait in a queue that one sender at a time drains. Events heard
     * before the stream started (hello and replay first) wait in {@link #early}.
     */
    private static final class Stream {
        private final Caller caller;
        private final HttpServletRequest request;
        private final SseEmitter emitter;
        private final Queue<Event> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicBoolean draining = new AtomicBoolean();
        private @Nullable List<Event> early = new ArrayList<>();
        /** The newest version sent, which heartbeats carry; only the one draining sender touches it. */
        private long version;
        private volatile boolean closed;

        Stream(Caller caller, HttpServletRequest request, SseEmitter emitter) {
            this.caller = caller;
            this.request = request;
            this.emitter = emitter;
        }

        synchronized void start(List<Event> first) {
            List<Event> heard = early == null ? List.of() : early;
            early = null;
            first.forEach(this::add);
            heard.forEach(this::add);
        }

        /** Queues an event; false when it was kept for later, the stream is closed, or the client is too far behind. */
        synchronized boolean offer(Event event) {
            if (closed) {
                return false;
            }
            if (early != null) {
                early.add(event);
                return false;
            }
            if (pending.get() >= MAX_PENDING) {
                return false;
            }
            add(event);
            return true;
        }

        private void add(Event event) {
            queue.add(event);
            pending.incrementAndGet();
        }

        @Nullable Event poll() {
            Event event = queue.poll();
            if (event != null) {
                pending.decrementAndGet();
            }
            return event;
        }

        boolean hasPending() {
            return !queue.isEmpty();
        }
    }
}
