package dev.gatehouse.server.access;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded load of the check API against a running server: not a test, a plain program. It
 * starts nothing; it sends a fixed number of checks to {@code --base} (a 127.0.0.1 address) as
 * single {@code POST …/check} requests and as {@code POST …/check/batch} requests, over keep-alive
 * connections (one per virtual thread), and prints throughput in checks per second (a batch counts
 * each of its checks) and the latency of requests at p50, p99 and max. It stops by itself at
 * {@code --max-seconds} even if not everything was sent, and says so.
 *
 * <p>Needs only the JDK: {@code java server/src/test/java/dev/gatehouse/server/access/CheckLoad.java
 * --base http://127.0.0.1:8080 --tenant acme --token … --checks-file checks.jsonl}, where each line
 * of the file is one check's JSON body ({@code {"user": …, "permission": …}}); {@code --token} is any
 * bearer credential: a session token or an API key ({@code ghk_…}; scripts/load-check.sh
 * {@code CREDENTIAL=both} runs the same load with each, issue 12). The HTTP client is a
 * minimal one written here on plain sockets, so that the load generator spends as little as possible
 * of the CPU it shares with the server.
 */
public final class CheckLoad {

    private CheckLoad() {}

    record Options(URI base, String tenant, String token, List<String> checks, long total, double singleShare,
            int batchSize, int concurrency, long warmup, Duration maxDuration, List<Long> serverPids) {}

    /**
     * What one phase measured. The CPU times (server: its process and their descendants, such as
     * an embedded PostgreSQL; client: this program) tell the cost of a check even when other work
     * shares the machine and the throughput alone would mislead.
     */
    record Result(String name, long requests, long checks, long failures, long allowed, long nanos, long[] latencies,
            boolean stoppedByTime, Duration serverCpu, Duration clientCpu) {}

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        long deadline = System.nanoTime() + options.maxDuration().toNanos();
        System.out.printf(Locale.ROOT, "target %s tenant %s: %d checks (%.0f%% single, the rest in batches of %d), "
                        + "%d connections, %d warm-up checks, at most %d s%n",
                options.base(), options.tenant(), options.total(), options.singleShare() * 100, options.batchSize(),
                options.concurrency(), options.warmup(), options.maxDuration().toSeconds());

        long warmSingles = options.warmup() / 2;
        run("warm-up single", options, warmSingles, 1, deadline);
        run("warm-up batch", options, Math.max(1, (options.warmup() - warmSingles) / options.batchSize()),
                options.batchSize(), deadline);

        long singles = Math.round(options.total() * options.singleShare());
        long batches = (options.total() - singles) / options.batchSize();
        List<Result> results = new ArrayList<>();
        if (singles > 0) {
            results.add(run("check", options, singles, 1, deadline));
        }
        if (batches > 0) {
            results.add(run("check/batch", options, batches, options.batchSize(), deadline));
        }
        boolean failed = false;
        System.out.println();
        System.out.println("phase         requests    checks  failures  seconds   checks/s    p50 ms   p99 ms   max ms"
                + "  server CPU µs/check  client CPU µs/check");
        long allChecks = 0;
        long allNanos = 0;
        for (Result result : results) {
            print(result);
            allChecks += result.checks();
            allNanos += result.nanos();
            failed |= result.failures() > 0 || result.stoppedByTime();
        }
        System.out.printf(Locale.ROOT, "total checks %d in %.2f s: %.0f checks/s%n", allChecks, allNanos / 1e9,
                allChecks / (allNanos / 1e9));
        if (failed) {
            System.out.println("NOT COMPLETE: failures or the time limit; see above");
            System.exit(1);
        }
    }

    private static void print(Result result) {
        long[] sorted = result.latencies().clone();
        Arrays.sort(sorted);
        double seconds = result.nanos() / 1e9;
        long checks = Math.max(1, result.checks());
        System.out.printf(Locale.ROOT, "%-12s %9d %9d %9d %8.2f %10.0f %9.3f %8.3f %8.3f %20s %20.1f%s%n", result.name(),
                result.requests(), result.checks(), result.failures(), seconds, result.checks() / seconds,
                percentile(sorted, 0.50), percentile(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
                result.serverCpu().isNegative() ? "n/a"
                        : String.format(Locale.ROOT, "%.1f", result.serverCpu().toNanos() / 1e3 / checks),
                result.clientCpu().toNanos() / 1e3 / checks,
                result.stoppedByTime() ? "  (stopped by the time limit)" : "");
        System.out.printf(Locale.ROOT, "             allowed %d of %d answered checks%n", result.allowed(),
                result.checks());
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** Sends {@code requests} requests of {@code perRequest} checks each over the connections. */
    static Result run(String name, Options options, long requests, int perRequest, long deadline) throws Exception {
        String path = "/api/v1/tenants/" + options.tenant() + (perRequest == 1 ? "/check" : "/check/batch");
        byte[][] bodies = bodies(options.checks(), perRequest);
        AtomicLong next = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong allowed = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        long[][] latencies = new long[options.concurrency()][];
        int[] counts = new int[options.concurrency()];
        boolean[] timedOut = new boolean[1];
        Duration serverBefore = cpu(options.serverPids());
        Duration clientBefore = cpu(List.of(ProcessHandle.current().pid()));
        long start = System.nanoTime();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < options.concurrency(); w++) {
                int worker = w;
                latencies[w] = new long[(int) Math.min(Integer.MAX_VALUE - 8, requests / options.concurrency() + 1024)];
                running.add(workers.submit(() -> {
                    Connection connection = null;
                    try {
                        long i;
                        while ((i = next.getAndIncrement()) < requests) {
                            if (System.nanoTime() > deadline) {
                                timedOut[0] = true;
                                return null;
                            }
                            if (connection == null) {
                                connection = new Connection(options.base());
                            }
                            byte[] body = bodies[(int) (i % bodies.length)];
                            long sent = System.nanoTime();
                            Connection.Reply reply;
                            try {
                                reply = connection.post(path, options.token(), body);
                            } catch (IOException e) {
                                failures.incrementAndGet();
                                connection.close();
                                connection = null;
                                continue;
                            }
                            long took = System.nanoTime() - sent;
                            if (counts[worker] == latencies[worker].length) {
                                latencies[worker] = Arrays.copyOf(latencies[worker], latencies[worker].length * 2);
                            }
                            latencies[worker][counts[worker]++] = took;
                            if (reply.status() != 200) {
                                failures.incrementAndGet();
                                if (failures.get() <= 3) {
                                    System.out.println("HTTP " + reply.status() + ": " + reply.body());
                                }
                            } else {
                                answered.addAndGet(perRequest);
                                allowed.addAndGet(count(reply.body(), "\"allowed\":true"));
                            }
                            if (reply.closed()) {
                                connection.close();
                                connection = null;
                            }
                        }
                        return null;
                    } finally {
                        if (connection != null) {
                            connection.close();
                        }
                    }
                }));
            }
            for (Future<?> future : running) {
                long left = Math.max(1, deadline - System.nanoTime() + TimeUnit.SECONDS.toNanos(15));
                try {
                    future.get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    timedOut[0] = true;
                    workers.shutdownNow();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.incrementAndGet();
                    System.out.println("a connection failed: " + e.getCause());
                }
            }
        }
        long nanos = System.nanoTime() - start;
        Duration serverCpu = options.serverPids().isEmpty() ? Duration.ofNanos(-1)
                : cpu(options.serverPids()).minus(serverBefore);
        Duration clientCpu = cpu(List.of(ProcessHandle.current().pid())).minus(clientBefore);
        int total = 0;
        for (int count : counts) {
            total += count;
        }
        long[] all = new long[total];
        int at = 0;
        for (int w = 0; w < latencies.length; w++) {
            System.arraycopy(latencies[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        Result result = new Result(name, total, answered.get(), failures.get(), allowed.get(), nanos, all, timedOut[0],
                serverCpu, clientCpu);
        if (name.startsWith("warm-up")) {
            System.out.printf(Locale.ROOT, "%s: %d requests in %.2f s, %d failures%n", name, total, nanos / 1e9,
                    failures.get());
        }
        return result;
    }

    /** CPU time used so far by processes and their descendants (nothing for unknown ones). */
    private static Duration cpu(List<Long> pids) {
        Duration sum = Duration.ZERO;
        for (long pid : pids) {
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isEmpty()) {
                continue;
            }
            sum = sum.plus(process.get().info().totalCpuDuration().orElse(Duration.ZERO));
            for (ProcessHandle child : process.get().descendants().toList()) {
                sum = sum.plus(child.info().totalCpuDuration().orElse(Duration.ZERO));
            }
        }
        return sum;
    }

    /** The bodies to cycle through: single checks as they are, or batches of consecutive ones. */
    private static byte[][] bodies(List<String> checks, int perRequest) {
        if (perRequest == 1) {
            return checks.stream().map(check -> check.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        }
        int distinct = Math.max(1, Math.min(64, checks.size()));
        byte[][] bodies = new byte[distinct][];
        for (int b = 0; b < distinct; b++) {
            StringBuilder json = new StringBuilder("{\"checks\":[");
            for (int i = 0; i < perRequest; i++) {
                json.append(i == 0 ? "" : ",").append(checks.get((b * perRequest + i) % checks.size()));
            }
            bodies[b] = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        }
        return bodies;
    }

    private static long count(String text, String what) {
        long n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }

    /** One keep-alive HTTP/1.1 connection: just enough of the protocol for JSON requests and replies. */
    static final class Connection implements AutoCloseable {

        record Reply(int status, String body, boolean closed) {}

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String host;

        Connection(URI base) {
            try {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
                socket.setSoTimeout(10_000);
                out = socket.getOutputStream();
                in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
                host = base.getHost() + ":" + base.getPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot connect to " + base, e);
            }
        }

        Reply post(String path, String token, byte[] body) throws IOException {
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
            System.arraycopy(body, 0, request, headBytes.length, body.length);
            out.write(request);
            out.flush();
            String status = line();
            if (status == null || !status.startsWith("HTTP/1.1 ")) {
                throw new IOException("no HTTP reply: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean closed = false;
            for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).strip();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> closed = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            byte[] content;
            if (chunked) {
                java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
                for (int size = chunkSize(); size > 0; size = chunkSize()) {
                    buffer.write(in.readNBytes(size));
                    line();
                }
                for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                    // trailers are not used
                }
                content = buffer.toByteArray();
            } else if (length >= 0) {
                content = in.readNBytes((int) length);
            } else {
                content = in.readAllBytes();
                closed = true;
            }
            return new Reply(code, new String(content, StandardCharsets.UTF_8), closed);
        }

        private int chunkSize() throws IOException {
            String size = line();
            if (size == null) {
                throw new IOException("connection closed inside a chunked reply");
            }
            int semicolon = size.indexOf(';');
            return Integer.parseInt(semicolon < 0 ? size.strip() : size.substring(0, semicolon).strip(), 16);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                line.append((char) c);
            }
            return line.isEmpty() ? null : line.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static Options parse(String[] args) throws IOException {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("unexpected argument " + args[i]);
            }
            given.put(args[i].substring(2), args[++i]);
        }
        for (String required : List.of("base", "tenant", "token", "checks-file")) {
            if (!given.containsKey(required)) {
                usage("--" + required + " is required");
            }
        }
        URI base = URI.create(given.get("base"));
        if (!"http".equals(base.getScheme()) || !"127.0.0.1".equals(base.getHost()) || base.getPort() < 0) {
            usage("--base must be http://127.0.0.1:<port>: this program loads only a local server");
        }
        List<String> checks = Files.readAllLines(Path.of(given.get("checks-file"))).stream()
                .map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (checks.isEmpty()) {
            usage("the checks file has no checks");
        }
        Options options = new Options(base, given.get("tenant"), given.get("token"), checks,
                Long.parseLong(given.getOrDefault("checks", "200000")),
                Double.parseDouble(given.getOrDefault("single-share", "0.5")),
                Integer.parseInt(given.getOrDefault("batch-size", "100")),
                Integer.parseInt(given.getOrDefault("concurrency", "16")),
                Long.parseLong(given.getOrDefault("warmup", "40000")),
                Duration.ofSeconds(Long.parseLong(given.getOrDefault("max-seconds", "180"))),
                Arrays.stream(given.getOrDefault("server-pids", "").split(",")).map(String::strip)
                        .filter(pid -> !pid.isEmpty()).map(Long::valueOf).toList());
        if (options.total() < 1 || options.singleShare() < 0 || options.singleShare() > 1 || options.batchSize() < 1
                || options.batchSize() > 1000 || options.concurrency() < 1 || options.concurrency() > 1024
                || options.maxDuration().isNegative() || options.maxDuration().isZero()) {
            usage("out of range: checks ≥ 1, single-share 0..1, batch-size 1..1000, concurrency 1..1024, "
                    + "max-seconds ≥ 1");
        }
        return options;
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("""
                usage: java CheckLoad.java --base http://127.0.0.1:PORT --tenant SLUG --token TOKEN --checks-file FILE
                         [--checks 200000] [--single-share 0.5] [--batch-size 100] [--concurrency 16]
                         [--warmup 40000] [--max-seconds 180]
                         [--server-pids PID,PID (the server's and its database's, to report their CPU time per check)]""");
        System.exit(2);
    }
}
