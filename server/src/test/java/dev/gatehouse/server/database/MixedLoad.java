package dev.gatehouse.server.database;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load of {@code scripts/memory-soak.sh} (docs/benchmarks.md, "Memory"): a steady {@code --rate}
 * of mixed requests per second for {@code --seconds}, sent on schedule whatever the answers take
 * (an open loop, as real clients do): 20% sign-ins of the tenant's staff, 35% checks, 20% user reads,
 * 10% user creations (invitations) and 15% audit events. Prints a line per minute (answers by
 * status, latency p50/p99) and stops by itself. Run as a single-file program:
 * {@code java MixedLoad.java --base URL --tenant SLUG --token ADMIN_TOKEN --password STAFF_PASSWORD
 * --staff N [--rate 40] [--seconds 600]}; the staff are {@code staff-0} … {@code staff-(N-1)}.
 */
public final class MixedLoad {

    private MixedLoad() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String base = options.get("base");
        String tenant = "/api/v1/tenants/" + options.get("tenant");
        String token = options.get("token");
        String password = options.get("password");
        int staff = Integer.parseInt(options.get("staff"));
        int rate = Integer.parseInt(options.getOrDefault("rate", "40"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "600"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        List<String> userIds = new ArrayList<>();
        Matcher ids = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(
                send(http, request(base + tenant + "/users?size=200", token).GET()).join().body());
        while (ids.find()) {
            userIds.add(ids.group(1));
        }
        String run = Long.toString(System.nanoTime() % 1_000_000, 36);
        Map<String, Map<Integer, Long>> statuses = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong sent = new AtomicLong();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        long nextReport = start + 60_000_000_000L;
        for (long n = 0; ; n++) {
            long due = start + n * interval;
            if (due - start >= seconds * 1_000_000_000L) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            int pick = (int) (n % 20);
            String kind;
            HttpRequest.Builder call;
            if (pick < 4) {
                kind = "sign-in";
                call = request(base + "/api/v1/auth/login", null).POST(body("{\"tenant\":\"" + options.get("tenant")
                        + "\",\"username\":\"staff-" + (n % staff) + "\",\"password\":\"" + password + "\"}"));
            } else if (pick < 11) {
                kind = "check";
                call = request(base + tenant + "/check", token).POST(body(
                        "{\"user\":\"staff-" + (n % staff) + "\",\"permission\":\"patients.read\"}"));
            } else if (pick < 15) {
                kind = "user read";
                call = request(base + tenant + "/users/" + userIds.get((int) (n % userIds.size())), token).GET();
            } else if (pick < 17) {
                kind = "user create";
                call = request(base + tenant + "/users", token).POST(body("{\"username\":\"soak-" + run + "-" + n
                        + "\",\"firstName\":\"Soak\",\"lastName\":\"Load\",\"email\":\"soak-" + run + "-" + n
                        + "@example.com\"}"));
            } else {
                kind = "audit event";
                call = request(base + tenant + "/audit/events", token).POST(body(
                        "{\"action\":\"PATIENT_RECORD_VIEWED\",\"user\":\"staff-" + (n % staff)
                                + "\",\"resource\":{\"type\":\"patient\",\"id\":\"p" + n + "\"}}"));
            }
            long t0 = System.nanoTime();
            sent.incrementAndGet();
            CompletableFuture<?> answer = send(http, call).handle((response, failure) -> {
                latencies.add(System.nanoTime() - t0);
                statuses.computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
                        .merge(failure == null ? response.statusCode() : -1, 1L, Long::sum);
                return null;
            });
            inFlight.add(answer);
            if (inFlight.size() > 1_000) {
                inFlight.removeIf(CompletableFuture::isDone);
            }
            if (System.nanoTime() >= nextReport) {
                report(statuses, latencies, sent.get(), start);
                nextReport += 60_000_000_000L;
            }
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).orTimeout(60, java.util.concurrent.TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
        report(statuses, latencies, sent.get(), start);
    }

    private static void report(Map<String, Map<Integer, Long>> statuses, ConcurrentLinkedQueue<Long> latencies,
            long sent, long start) {
        List<Long> sorted = new ArrayList<>();
        for (Long latency; (latency = latencies.poll()) != null; ) {
            sorted.add(latency);
        }
        sorted.sort(null);
        Map<String, Map<Integer, Long>> snapshot = new TreeMap<>();
        statuses.forEach((kind, counts) -> snapshot.put(kind, new TreeMap<>(counts)));
        System.out.printf("load %4d s: %d sent, %.1f/s; answers %s; latency this minute p50 %.0f ms, p99 %.0f ms%n",
                (System.nanoTime() - start) / 1_000_000_000L, sent, sent * 1e9 / (System.nanoTime() - start), snapshot,
                percentile(sorted, 0.5), percentile(sorted, 0.99));
    }

    private static double percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, sorted.size() * p)) / 1e6;
    }

    private static HttpRequest.BodyPublisher body(String json) {
        return HttpRequest.BodyPublishers.ofString(json);
    }

    private static HttpRequest.Builder request(String url, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private static CompletableFuture<HttpResponse<String>> send(HttpClient http, HttpRequest.Builder request) {
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
