package dev.gatehouse.server.authentication;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One phase of {@code scripts/signin-cost.sh} (docs/benchmarks.md, "Sign-in and user creation
 * cost"): {@code --count} operations of one kind by {@code --concurrency} threads in a closed loop,
 * then one line {@code phase count ok seconds rate statuses retries}; an overload answer (503, 429) is
 * retried after 200 ms, up to 20 times, and counted. Kinds: {@code create} (an admin
 * creates users {@code PREFIX-0 …} with one role, no password), {@code create-password} (the same
 * with {@code --password}), {@code sign-in} (users {@code PREFIX-0 … PREFIX-(users-1)} sign in
 * with {@code --password}, round robin). Run as a single-file program:
 * {@code java SignInCostLoad.java --base URL --tenant SLUG --token ADMIN_TOKEN --kind KIND
 * --prefix PREFIX --count N [--users N] [--password P] [--concurrency 4]}.
 */
public final class SignInCostLoad {

    private SignInCostLoad() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String base = options.get("base");
        String tenant = options.get("tenant");
        String token = options.get("token");
        String kind = options.get("kind");
        String prefix = options.get("prefix");
        String password = options.getOrDefault("password", "");
        int count = Integer.parseInt(options.get("count"));
        int users = Integer.parseInt(options.getOrDefault("users", options.get("count")));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "4"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<Integer, String> firstBody = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            for (int t = 0; t < concurrency; t++) {
                pool.submit(() -> {
                    for (int n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
                        HttpRequest request = request(base, tenant, token, kind, prefix, password, n, users);
                        int status;
                        String body;
                        int tries = 0;
                        while (true) {
                            try {
                                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                                status = response.statusCode();
                                body = response.body();
                            } catch (Exception e) {
                                status = -1;
                                body = e.toString();
                            }
                            // Overload (503, 429) is answered as a client would: after a pause, again, a few times.
                            if ((status != 503 && status != 429) || ++tries > 20) {
                                break;
                            }
                            retries.incrementAndGet();
                            Thread.sleep(200);
                        }
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        firstBody.putIfAbsent(status, body);
                        if (status / 100 == 2) {
                            ok.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the phase did not end in 30 minutes");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s %d %d %.3f %.1f %s retries=%d%n", kind, count, ok.get(), seconds, count / seconds, statuses,
                retries.get());
        firstBody.forEach((status, body) -> {
            if (status / 100 != 2) {
                System.err.println("first answer " + status + ": " + body);
            }
        });
        if (ok.get() != count) {
            System.exit(1);
        }
    }

    private static HttpRequest request(String base, String tenant, String token, String kind, String prefix,
            String password, int n, int users) {
        String username = prefix + "-" + (kind.equals("sign-in") ? n % users : n);
        HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("User-Agent", "signin-cost");
        String json;
        if (kind.equals("sign-in")) {
            builder.uri(URI.create(base + "/api/v1/auth/login"));
            json = "{\"tenant\":\"" + tenant + "\",\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
        } else {
            builder.uri(URI.create(base + "/api/v1/tenants/" + tenant + "/users")).header("Authorization",
                    "Bearer " + token);
            json = "{\"username\":\"" + username + "\",\"firstName\":\"Load\",\"lastName\":\"User " + n
                    + "\",\"email\":\"" + username + "@example.com\"" + (kind.equals("create-password")
                            ? ",\"password\":\"" + password + "\"" : "")
                    + ",\"roles\":[{\"role\":\"front_desk\"}]}";
        }
        return builder.POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }
}
