package dev.gatehouse.server.oidc;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bounded load of a tenant's OpenID Connect endpoints against a running server: not a test, a plain
 * program ({@code scripts/load-tokens.sh} starts the server and the example app, registers the clients and
 * runs it). Each phase runs {@code --concurrency} virtual threads for {@code --seconds} after
 * {@code --warmup-seconds} of the same load, and prints requests per second and latency p50, p99 and max:
 * <ul>
 *   <li>{@code client-credentials}: tokens from the token endpoint for the service account's client;</li>
 *   <li>{@code refresh}: each thread refreshes its own sign-in's tokens again and again (Gatehouse rotates the
 *   refresh token on every use, so each request sends the one the previous answer gave);</li>
 *   <li>{@code introspection}: the introspection endpoint asked about a live access token;</li>
 *   <li>{@code jwks-validated}: the example app's {@code /api/whoami}, which validates the access token
 *   against the issuer's JWKS in process (no call to Gatehouse per request).</li>
 * </ul>
 * The introspection and JWKS phases present one access token issued to the app's client (client credentials).
 * The sign-ins the refresh phase needs are made here through the issuer's authorize endpoint and
 * Gatehouse's own sign-in form (cookies, CSRF token, PKCE), as a browser would; when that fails the phase
 * says it was not measured, and why. Needs only the JDK.
 *
 * <p>With {@code --server-pid} and {@code --postmaster-pid} (Linux) it also prints the CPU each request cost
 * during the measured seconds: the server JVM's (user + system of /proc/PID/stat) and its PostgreSQL's (the
 * postmaster's own and reaped children's, plus its live children's: the backends), so that the other
 * processes of a shared machine do not count. The JWKS phase runs in the example app, so both are about 0.
 * With {@code --postgres-port} (the server's PostgreSQL, with pg_stat_statements loaded, and psql on the path)
 * it also prints the statements the database ran per request in the measured seconds, and the most frequent
 * ones, so that each can be traced to its reason (issue 17).
 */
public final class TokenLoad {

    private static final Pattern FORM = Pattern.compile("<form[^>]*action=\"([^\"]*)\"[^>]*method=\"post\"[^>]*>(.*?)</form>",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern HIDDEN = Pattern.compile("<input[^>]*type=\"hidden\"[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile("(name|value)=\"([^\"]*)\"");
    private static final Pattern JSON_STRING = Pattern.compile("\"%s\"\\s*:\\s*\"([^\"]+)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenLoad() {}

    record Options(URI issuer, String tenant, String username, String password, String ccClient, String ccSecret,
            String codeClient, String codeSecret, URI redirectUri, URI app, int concurrency, Duration seconds,
            Duration warmup, long serverPid, long postmasterPid, int postgresPort) {}

    /** One thread's sign-in: its refresh token, replaced on every refresh (Gatehouse rotates it on every use). */
    static final class Grant {
        volatile String refreshToken;

        Grant(String refreshToken) {
            this.refreshToken = refreshToken;
        }
    }

    record Result(String phase, long requests, long failures, double seconds, long[] latencies, long jvmTicks,
            long databaseTicks, String statements) {}

    /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;
    private static long serverPid;
    private static long postmasterPid;

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        serverPid = options.serverPid();
        postmasterPid = options.postmasterPid();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String ccBasic = basic(options.ccClient(), options.ccSecret());
        String codeBasic = basic(options.codeClient(), options.codeSecret());
        URI token = URI.create(options.issuer() + "/token");
        URI introspect = URI.create(options.issuer() + "/introspect");
        URI whoami = options.app().resolve("/api/whoami");
        // The token the introspection and JWKS phases present: issued to the example app's own client.
        HttpResponse<String> issued = http.send(form(token, codeBasic, "grant_type=client_credentials&scope=gatehouse.api"),
                HttpResponse.BodyHandlers.ofString());
        if (issued.statusCode() != 200) {
            throw new IllegalStateException("the app's client got no token: " + issued.statusCode() + " " + issued.body());
        }
        String shared = field(issued.body(), "access_token");
        System.out.printf(Locale.ROOT, "%-20s %9s %9s %8s %10s %8s %8s %8s %11s %11s %10s%n", "phase", "requests",
                "failures", "seconds", "per second", "p50 ms", "p99 ms", "max ms", "JVM ms/req", "PG ms/req", "stmts/req");
        report(run("client-credentials", options, thread -> http.send(form(token, ccBasic,
                "grant_type=client_credentials&scope=gatehouse.api"), HttpResponse.BodyHandlers.ofString())));
        List<Grant> grants = new ArrayList<>();
        try {
            for (int i = 0; i < options.concurrency(); i++) {
                grants.add(signIn(options));
            }
        } catch (IllegalStateException | IOException e) {
            System.out.printf(Locale.ROOT, "%-20s not measured: no sign-in through the authorize endpoint (%s)%n", "refresh",
                    e.getMessage());
        }
        if (grants.size() == options.concurrency()) {
            report(run("refresh", options, thread -> {
                Grant grant = grants.get(thread);
                HttpResponse<String> answer = http.send(form(token, codeBasic, "grant_type=refresh_token&refresh_token="
                        + encode(grant.refreshToken)), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    grant.refreshToken = field(answer.body(), "refresh_token");
                }
                return answer;
            }));
        }
        report(run("introspection", options, thread -> {
            HttpResponse<String> answer = http.send(form(introspect, codeBasic, "token=" + encode(shared)),
                    HttpResponse.BodyHandlers.ofString());
            return answer.body().contains("\"active\":true") ? answer : null;
        }));
        report(run("jwks-validated", options, thread -> http.send(HttpRequest.newBuilder(whoami)
                .header("Authorization", "Bearer " + shared).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString())));
    }

    /** One request of a phase; null or a status other than 200 counts as a failure. */
    interface Call {
        HttpResponse<String> send(int thread) throws Exception;
    }

    static Result run(String phase, Options options, Call call) throws Exception {
        measure(phase, options, options.warmup(), call);
        statements(options, "select pg_stat_statements_reset()");
        Result result = measure(phase, options, options.seconds(), call);
        if (options.postgresPort() <= 0) {
            return result;
        }
        // Every statement the database ran meanwhile (pg_stat_statements, track = top: one per round trip,
        // BEGIN and COMMIT included), per request; the server's background work counts too, and is listed.
        String perRequest = statements(options, "select round(sum(calls)::numeric / " + Math.max(1, result.requests())
                + ", 1) from pg_stat_statements where query not ilike '%pg_stat_%'");
        System.out.println(statements(options, "select lpad(round(calls::numeric / " + Math.max(1, result.requests())
                + ", 2)::text, 8) || '  ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 140) from pg_stat_statements"
                + " where query not ilike '%pg_stat_%' order by calls desc, query limit 20").stripTrailing()
                .replaceAll("(?m)^", "   " + phase + " "));
        return new Result(result.phase(), result.requests(), result.failures(), result.seconds(), result.latencies(),
                result.jvmTicks(), result.databaseTicks(), perRequest.strip());
    }

    /** Runs {@code sql} with psql on the server's PostgreSQL when {@code --postgres-port} is given; its output. */
    private static String statements(Options options, String sql) throws IOException, InterruptedException {
        if (options.postgresPort() <= 0) {
            return "";
        }
        Process psql = new ProcessBuilder("psql", "-X", "-q", "-t", "-A", "-h", "127.0.0.1", "-p",
                Integer.toString(options.postgresPort()), "-U", "postgres", "-d", "postgres", "-c", sql)
                .redirectErrorStream(true).start();
        String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!psql.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || psql.exitValue() != 0) {
            throw new IllegalStateException("psql failed: " + output);
        }
        return output;
    }

    private static Result measure(String phase, Options options, Duration length, Call call) throws Exception {
        long jvmBefore = ticks(serverPid, false);
        long databaseBefore = databaseTicks();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        AtomicLong failures = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<long[]>> running = new ArrayList<>();
            for (int t = 0; t < options.concurrency(); t++) {
                int thread = t;
                running.add(threads.submit(() -> {
                    long[] latencies = new long[1024];
                    int count = 0;
                    while (System.nanoTime() < end) {
                        long before = System.nanoTime();
                        HttpResponse<String> answer;
                        try {
                            answer = call.send(thread);
                        } catch (IOException e) {
                            answer = null;
                        }
                        if (answer == null || answer.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                        if (count == latencies.length) {
                            latencies = Arrays.copyOf(latencies, count * 2);
                        }
                        latencies[count++] = System.nanoTime() - before;
                    }
                    return Arrays.copyOf(latencies, count);
                }));
            }
            for (Future<long[]> each : running) {
                perThread.add(each.get());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long jvm = ticks(serverPid, false) - jvmBefore;
        long database = databaseTicks() - databaseBefore;
        long[] all = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(phase, all.length, failures.get(), seconds, all, jvm, database, null);
    }

    /** User + system ticks of a process ({@code reaped}: with its waited-for children's), 0 when unknown. */
    private static long ticks(long pid, boolean reaped) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After the command: state is field 3, so utime (14), stime (15), cutime (16), cstime (17) are 11..14 here.
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return reaped ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** The server's PostgreSQL: the postmaster with its reaped children, and its live children (the backends). */
    private static long databaseTicks() {
        if (postmasterPid <= 0) {
            return 0;
        }
        long children = ProcessHandle.of(postmasterPid).stream().flatMap(ProcessHandle::children)
                .mapToLong(child -> ticks(child.pid(), false)).sum();
        return ticks(postmasterPid, true) + children;
    }

    private static void report(Result result) {
        long[] l = result.latencies();
        Function<Double, Double> at = share -> l.length == 0 ? 0 : l[Math.min(l.length - 1, (int) (l.length * share))] / 1e6;
        double perRequest = result.requests() == 0 ? 0 : 1000 / TICKS_PER_SECOND / result.requests();
        System.out.printf(Locale.ROOT, "%-20s %9d %9d %8.1f %10.0f %8.2f %8.2f %8.2f %11.2f %11.2f %10s%n", result.phase(),
                result.requests(), result.failures(), result.seconds(), result.requests() / result.seconds(), at.apply(0.5),
                at.apply(0.99), l.length == 0 ? 0 : l[l.length - 1] / 1e6, result.jvmTicks() * perRequest,
                result.databaseTicks() * perRequest, result.statements() == null ? "-" : result.statements());
    }

    /**
     * A sign-in through the authorize endpoint with PKCE, following Gatehouse's sign-in form (and any other
     * form it shows, with its hidden fields) until the issuer redirects to the client with a code.
     */
    static Grant signIn(Options options) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(RANDOM.generateSeed(32));
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        URI next = URI.create(options.issuer() + "/authorize?response_type=code&client_id=" + encode(options.codeClient())
                + "&redirect_uri=" + encode(options.redirectUri().toString())
                + "&scope=" + encode("openid profile roles gatehouse.api") + "&state=" + Long.toHexString(RANDOM.nextLong())
                + "&code_challenge=" + challenge + "&code_challenge_method=S256");
        HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString());
        for (int step = 0; step < 12; step++) {
            String location = answer.headers().firstValue("Location").orElse(null);
            if (location != null) {
                next = answer.uri().resolve(location);
                if (next.toString().startsWith(options.redirectUri().toString())) {
                    return exchange(options, query(next).get("code"), verifier);
                }
                answer = browser.send(HttpRequest.newBuilder(next).build(), HttpResponse.BodyHandlers.ofString());
                continue;
            }
            Matcher form = FORM.matcher(answer.body());
            if (answer.statusCode() != 200 || !form.find()) {
                throw new IllegalStateException("the sign-in stopped at " + answer.uri() + " (" + answer.statusCode() + ")");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher hidden = HIDDEN.matcher(form.group(2));
            while (hidden.find()) {
                Map<String, String> attributes = new LinkedHashMap<>();
                Matcher attribute = ATTRIBUTE.matcher(hidden.group());
                while (attribute.find()) {
                    attributes.put(attribute.group(1), attribute.group(2).replace("&amp;", "&"));
                }
                fields.put(attributes.get("name"), attributes.getOrDefault("value", ""));
            }
            fields.put("tenant", options.tenant());
            fields.put("username", options.username());
            fields.put("password", options.password());
            StringBuilder body = new StringBuilder();
            fields.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(encode(name)).append('=')
                    .append(encode(value)));
            answer = browser.send(HttpRequest.newBuilder(answer.uri().resolve(form.group(1).replace("&amp;", "&")))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        }
        throw new IllegalStateException("no code after 12 steps of the sign-in");
    }

    private static Grant exchange(Options options, String code, String verifier) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(form(URI.create(options.issuer() + "/token"),
                basic(options.codeClient(), options.codeSecret()), "grant_type=authorization_code&code=" + encode(code)
                        + "&redirect_uri=" + encode(options.redirectUri().toString()) + "&code_verifier=" + verifier),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the code exchange answered " + answer.statusCode() + ": " + answer.body());
        }
        return new Grant(field(answer.body(), "refresh_token"));
    }

    private static HttpRequest form(URI uri, String basic, String body) {
        return HttpRequest.newBuilder(uri).header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String basic(String client, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((encode(client) + ":" + encode(secret))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String field(String json, String name) {
        Matcher value = Pattern.compile(String.format(Locale.ROOT, JSON_STRING.pattern(), name)).matcher(json);
        if (!value.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return value.group(1);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            values.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static Options parse(String[] args) {
        Map<String, String> named = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            named.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Function<String, String> required = name -> {
            String value = named.get(name);
            if (value == null) {
                throw new IllegalArgumentException("--" + name + " is required");
            }
            return value;
        };
        return new Options(URI.create(required.apply("issuer")), required.apply("tenant"), required.apply("username"),
                required.apply("password"), required.apply("cc-client"), required.apply("cc-secret"),
                required.apply("code-client"), required.apply("code-secret"), URI.create(required.apply("redirect-uri")),
                URI.create(required.apply("app")), Integer.parseInt(named.getOrDefault("concurrency", "8")),
                Duration.ofSeconds(Long.parseLong(named.getOrDefault("seconds", "15"))),
                Duration.ofSeconds(Long.parseLong(named.getOrDefault("warmup-seconds", "5"))),
                Long.parseLong(named.getOrDefault("server-pid", "0")), Long.parseLong(named.getOrDefault("postmaster-pid", "0")),
                Integer.parseInt(named.getOrDefault("postgres-port", "0")));
    }
}
