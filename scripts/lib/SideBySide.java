import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator of scripts/keycloak-compare.sh: one phase of one kind of request against one server, for
 * a bounded time, reporting the rate, the latency and the CPU the server's JVM and its PostgreSQL backends spent
 * per request (from /proc, so that other processes on the machine do not count).
 *
 * <p>A request is described by its method, URL, headers and body; in the URL and body {@code {n}} is replaced by
 * a number unique in the phase, {@code {m}} by that number modulo {@code --modulo}, and {@code {refresh}} by the
 * thread's current refresh token when {@code --rotate} names the answer's field that replaces it (each thread
 * starts with one of {@code --refresh-tokens}, a file of one token a line), and {@code {id}} by line {@code n} of
 * {@code --ids} (a file of one id a line, taken round), so that a phase can touch many distinct users.
 *
 * <pre>
 * java scripts/lib/SideBySide.java --label gatehouse --op sign-in --method POST --url http://127.0.0.1:8080/… \
 *   --header 'Content-Type: application/json' --body '{"username":"user{m}",…}' --modulo 8 \
 *   --concurrency 4 --seconds 15 --warmup 5 --jvm 1234 --database gh_bench --expect 200
 * </pre>
 *
 * Prints one line: label op requests failures seconds per-second p50-ms p99-ms jvm-ms-per-request
 * pg-ms-per-request load-average, then the first failure's status and body if there was one.
 */
public class SideBySide {

    private static final long TICKS_PER_SECOND = 100;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        List<String> headers = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String name = args[i].substring(2);
            if (name.equals("header")) {
                headers.add(args[i + 1]);
            } else {
                options.put(name, args[i + 1]);
            }
        }
        String label = options.getOrDefault("label", "?");
        String op = options.getOrDefault("op", "?");
        String method = options.getOrDefault("method", "GET");
        String url = options.get("url");
        String body = options.get("body");
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "4"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "15"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        long modulo = Long.parseLong(options.getOrDefault("modulo", "1"));
        long limit = Long.parseLong(options.getOrDefault("max-requests", "" + Long.MAX_VALUE));
        int jvm = Integer.parseInt(options.getOrDefault("jvm", "0"));
        String database = options.getOrDefault("database", "");
        List<Integer> expected = Arrays.stream(options.getOrDefault("expect", "200").split(","))
                .map(Integer::parseInt).toList();
        String rotate = options.get("rotate");
        List<String> refreshTokens = options.containsKey("refresh-tokens")
                ? Files.readAllLines(Path.of(options.get("refresh-tokens"))).stream().filter(s -> !s.isBlank()).toList()
                : List.of();
        List<String> ids = options.containsKey("ids")
                ? Files.readAllLines(Path.of(options.get("ids"))).stream().filter(s -> !s.isBlank()).toList()
                : List.of("");
        if (rotate != null && refreshTokens.size() < concurrency) {
            throw new IllegalArgumentException("--rotate needs a refresh token per thread: " + refreshTokens.size()
                    + " for " + concurrency);
        }

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        AtomicLong counter = new AtomicLong(Long.parseLong(options.getOrDefault("start", "0")));
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        ConcurrentLinkedQueue<String> firstFailure = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long measureFrom = start + Duration.ofSeconds(warmup).toNanos();
        long end = measureFrom + Duration.ofSeconds(seconds).toNanos();
        long[][] cpuBefore = new long[1][];
        Thread[] threads = new Thread[concurrency];
        for (int t = 0; t < concurrency; t++) {
            final int thread = t;
            threads[t] = Thread.ofPlatform().name("load-" + t).start(() -> {
                String refresh = rotate == null ? null : refreshTokens.get(thread);
                long[] mine = new long[1 << 16];
                int count = 0;
                while (true) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        break;
                    }
                    long n = counter.getAndIncrement();
                    if (n >= limit) {
                        break;
                    }
                    String id = ids.get((int) (n % ids.size()));
                    HttpRequest request = request(method, fill(url, n, modulo, refresh, id), headers,
                            body == null ? null : fill(body, n, modulo, refresh, id));
                    boolean measured = now >= measureFrom;
                    try {
                        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - now;
                        boolean ok = expected.contains(answer.statusCode());
                        if (ok && rotate != null) {
                            refresh = field(answer.body(), rotate);
                        }
                        if (measured) {
                            requests.incrementAndGet();
                            if (!ok) {
                                failures.incrementAndGet();
                                if (firstFailure.isEmpty()) {
                                    firstFailure.add(answer.statusCode() + " " + answer.body());
                                }
                            }
                            if (count == mine.length) {
                                latencies.add(mine);
                                mine = new long[mine.length];
                                count = 0;
                            }
                            mine[count++] = took;
                        }
                    } catch (IOException | InterruptedException e) {
                        if (measured) {
                            requests.incrementAndGet();
                            failures.incrementAndGet();
                            firstFailure.add(e.toString());
                        }
                    }
                }
                latencies.add(Arrays.copyOf(mine, count));
            });
        }
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        cpuBefore[0] = cpu(jvm, database);
        long measuredAt = System.nanoTime();
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(warmup + seconds + 120));
        }
        long[] cpuAfter = cpu(jvm, database);
        double elapsed = Math.min(System.nanoTime(), Math.max(end, measuredAt)) - measuredAt;
        elapsed = Math.max(elapsed, 1) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long done = requests.get();
        double jvmMs = done == 0 ? 0 : (cpuAfter[0] - cpuBefore[0][0]) * 1000.0 / TICKS_PER_SECOND / done;
        double pgMs = done == 0 ? 0 : pgDelta(cpuBefore, cpuAfter) * 1000.0 / TICKS_PER_SECOND / done;
        System.out.printf(Locale.ROOT, "%s %s %d %d %.1f %.1f %.2f %.2f %.2f %.2f %s%n", label, op, done, failures.get(),
                elapsed, done / elapsed, percentile(all, 0.50), percentile(all, 0.99), jvmMs, pgMs,
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        if (!firstFailure.isEmpty()) {
            String failure = firstFailure.peek();
            System.out.println("# first failure: " + failure.substring(0, Math.min(400, failure.length())));
        }
        System.exit(0);
    }

    private static String fill(String template, long n, long modulo, String refresh, String id) {
        String filled = template.replace("{n}", Long.toString(n)).replace("{m}", Long.toString(n % modulo))
                .replace("{id}", id);
        return refresh == null ? filled : filled.replace("{refresh}", URLEncoder.encode(refresh, StandardCharsets.UTF_8));
    }

    private static HttpRequest request(String method, String url, List<String> headers, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (String header : headers) {
            int colon = header.indexOf(':');
            builder.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        return builder.build();
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return matcher.group(1);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    /**
     * [0] the JVM's user + system ticks; then pairs of (pid, ticks) of every PostgreSQL backend of the database
     * (its process title is "postgres: user database address state").
     */
    private static long[] cpu(int jvm, String database) throws IOException {
        List<Long> values = new ArrayList<>();
        values.add(jvm == 0 ? 0 : ticks(jvm));
        if (!database.isEmpty()) {
            try (var processes = Files.list(Path.of("/proc"))) {
                for (Path process : processes.toList()) {
                    String name = process.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String title = Files.readString(process.resolve("cmdline")).replace('\0', ' ');
                        // "postgres: [cluster name:] user database address state" (Debian names the cluster)
                        String[] words = title.trim().split(" +");
                        int at = words.length > 1 && words[1].endsWith(":") ? 3 : 2;
                        if (words.length > at && words[0].equals("postgres:") && words[at].equals(database)) {
                            values.add(Long.parseLong(name));
                            values.add(ticks(Integer.parseInt(name)));
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the process ended meanwhile
                    }
                }
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static long pgDelta(long[][] before, long[] after) {
        Map<Long, Long> earlier = new HashMap<>();
        for (int i = 1; i + 1 < before[0].length; i += 2) {
            earlier.put(before[0][i], before[0][i + 1]);
        }
        long sum = 0;
        for (int i = 1; i + 1 < after.length; i += 2) {
            sum += after[i + 1] - earlier.getOrDefault(after[i], 0L);
        }
        return sum;
    }

    static long ticks(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
