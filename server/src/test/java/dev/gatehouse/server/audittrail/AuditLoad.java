package dev.gatehouse.server.audittrail;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The audit load program of {@code scripts/load-audit.sh} (docs/benchmarks.md, "Audit trail"): it
 * appends data-access events through AuditLog's real path from several writers for a bounded time,
 * first one event per request and transaction ({@code POST …/audit/events}), then {@code --batch}
 * events per request and transaction ({@code POST …/audit/events/batch}); then it times each search
 * filter of {@code GET …/audit}. Run as a single-file program:
 * {@code java AuditLoad.java --base URL --tenant SLUG --token TOKEN --user USERNAME [--writers 8]
 * [--append-seconds 30] [--batch 100] [--queries 200] [--deep-before SEQ]}. Stops by itself; prints
 * one line per measure.
 */
public final class AuditLoad {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AuditLoad() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String base = required(options, "base") + "/api/v1/tenants/" + required(options, "tenant");
        String token = required(options, "token");
        String user = required(options, "user");
        int writers = Integer.parseInt(options.getOrDefault("writers", "8"));
        int seconds = Integer.parseInt(options.getOrDefault("append-seconds", "30"));
        int queries = Integer.parseInt(options.getOrDefault("queries", "200"));
        String deepBefore = options.getOrDefault("deep-before", "500000");
        int batch = Integer.parseInt(options.getOrDefault("batch", "100"));

        append(base, token, user, writers, seconds, 1);
        append(base, token, user, writers, seconds, batch);
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("actor", "actor=" + user);
        filters.put("action", "action=USER_UPDATED");
        filters.put("target", "target=user:t-7");
        filters.put("resource", "resource=patient:p-13");
        filters.put("ip exact", "ip=10.0.7.9");
        filters.put("ip CIDR /24", "ip=10.0.7.0/24");
        filters.put("role", "role=billing");
        filters.put("from/to (1 hour)", "from=" + enc(java.time.Instant.now().minus(Duration.ofDays(3)).toString())
                + "&to=" + enc(java.time.Instant.now().minus(Duration.ofDays(3)).plus(Duration.ofHours(1)).toString()));
        filters.put("from/to + action", filters.get("from/to (1 hour)") + "&action=ROLE_ASSIGNED");
        filters.put("combined", "action=PATIENT_RECORD_VIEWED&role=provider&ip=10.0.0.0/16");
        filters.put("deep keyset page", "before=" + deepBefore + "&size=50");
        for (Map.Entry<String, String> filter : filters.entrySet()) {
            time(filter.getKey(), base + "/audit?" + filter.getValue(), token, queries);
        }
    }

    /** Appends for {@code seconds}: {@code batch} events a request, through the batch form when more than one. */
    private static void append(String base, String token, String user, int writers, int seconds, int batch)
            throws Exception {
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        String event = "{\"action\":\"PATIENT_RECORD_VIEWED\",\"user\":\"" + user
                + "\",\"resource\":{\"type\":\"patient\",\"id\":\"p-load\"},\"details\":{\"section\":\"labs\"}}";
        String path = batch == 1 ? "/audit/events" : "/audit/events/batch";
        String body = batch == 1 ? event : "{\"events\":[" + String.join(",", Collections.nCopies(batch, event)) + "]}";
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> running = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < writers; i++) {
            running.add(pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    int status = send(HttpRequest.newBuilder(URI.create(base + path))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)));
                    (status == 201 ? ok : failed).addAndGet(batch);
                }
                return null;
            }));
        }
        for (Future<?> writer : running) {
            writer.get();
        }
        pool.shutdown();
        double elapsed = (System.nanoTime() - started) / 1e9;
        System.out.printf("append (%d a request): %d events in %.1f s by %d writers = %.0f events/s (%d failed)%n",
                batch, ok.get(), elapsed, writers, ok.get() / elapsed, failed.get());
    }

    private static void time(String name, String url, String token, int queries) throws Exception {
        long[] nanos = new long[queries];
        for (int i = 0; i < queries; i++) {
            long start = System.nanoTime();
            int status = send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET());
            nanos[i] = System.nanoTime() - start;
            if (status != 200) {
                throw new IllegalStateException(name + " answered " + status);
            }
        }
        Arrays.sort(nanos);
        System.out.printf("query %-18s p50 %6.1f ms  p99 %6.1f ms  (%d requests)%n", name, nanos[queries / 2] / 1e6,
                nanos[Math.min(queries - 1, (int) Math.ceil(queries * 0.99) - 1)] / 1e6, queries);
    }

    private static int send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
