package dev.gatehouse.server.database;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write-rate program of {@code scripts/load-durability.sh} (docs/benchmarks.md, "Durable embedded
 * database"): committed writes per second through the API from several writers for a bounded time —
 * batched audit appends ({@code POST …/audit/events/batch}, {@code --batch} events per request and
 * transaction), then user creations ({@code POST …/users}, invitations, so no password hashing is
 * timed). Run as a single-file program:
 * {@code java WriteRate.java --base URL --tenant SLUG --token TOKEN --user USERNAME [--writers 4]
 * [--seconds 20] [--batch 100]}. Stops by itself; prints one line per measure.
 */
public final class WriteRate {

    private WriteRate() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String base = options.get("base");
        String tenant = options.get("tenant");
        String token = options.get("token");
        String user = options.get("user");
        int writers = Integer.parseInt(options.getOrDefault("writers", "4"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "100"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        StringBuilder events = new StringBuilder("{\"events\":[");
        for (int i = 0; i < batch; i++) {
            events.append(i == 0 ? "" : ",").append("{\"action\":\"PATIENT_RECORD_VIEWED\",\"user\":\"").append(user)
                    .append("\",\"resource\":{\"type\":\"patient\",\"id\":\"p").append(i).append("\"}}");
        }
        String batchBody = events.append("]}").toString();
        measure("batched audit appends (" + batch + " events per request and transaction)", writers, seconds, batch,
                (writer, n) -> post(http, base + "/api/v1/tenants/" + tenant + "/audit/events/batch", token,
                        batchBody));
        String run = Long.toString(System.nanoTime() % 1_000_000, 36);
        measure("user creations (invitations: user row, its audit event and the invitation mail's outbox row)",
                writers, seconds, 1, (writer, n) -> post(http, base + "/api/v1/tenants/" + tenant + "/users", token,
                        "{\"username\":\"w" + run + "-" + writer + "-" + n + "\",\"firstName\":\"Write\","
                                + "\"lastName\":\"Rate\",\"email\":\"w" + run + "-" + writer + "-" + n
                                + "@example.com\"}"));
    }

    interface Call {
        int send(int writer, long n) throws Exception;
    }

    private static void measure(String what, int writers, int seconds, int perRequest, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            running.add(pool.submit(() -> {
                for (long n = 0; System.nanoTime() < end; n++) {
                    long t0 = System.nanoTime();
                    int status = call.send(writer, n);
                    latencies.add(System.nanoTime() - t0);
                    (status / 100 == 2 ? ok : failed).incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> writer : running) {
            writer.get();
        }
        pool.shutdown();
        double took = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("%s: %d writers, %.1f s: %.0f requests/s = %.0f rows/s acknowledged, %d failed; "
                + "latency p50 %.1f ms, p99 %.1f ms%n", what, writers, took, ok.get() / took,
                ok.get() * perRequest / took, failed.get(), percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    private static double percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, sorted.size() * p)) / 1e6;
    }

    private static int post(HttpClient http, String url, String token, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
