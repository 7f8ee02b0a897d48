package dev.gatehouse.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A generated tenant served as the issue 14 contract's documents from a JDK {@link HttpServer} on a free
 * port of 127.0.0.1, so that the Java SDK's {@code LocalDecisions} downloads, parses and compiles it with
 * its own code, exactly as from a Gatehouse server: {@code GET …/decisions/policy} (section 1),
 * {@code GET …/decisions/subjects/{user}} (section 2) and {@code GET …/changes} (section 3: a
 * {@code hello}, then a heartbeat every {@link #HEARTBEAT_MILLIS} ms, never a change, since the
 * generated tenant does not change). Every request must carry {@link #KEY}.
 */
final class ContractServer implements AutoCloseable {

    /** The bearer credential the server accepts; the SDK sends it as an API key. */
    static final String KEY = "ghk_benchmark";

    /** Well inside the SDK's default staleness bound (10 s), as the real server's 5 s heartbeat is. */
    private static final long HEARTBEAT_MILLIS = 1_000;
    private static final long VERSION = 1;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService threads;
    private final String prefix;
    private final byte[] policyDocument;
    private final Map<String, Subject> subjects;
    private volatile boolean closed;

    private ContractServer(GeneratedTenant tenant) throws IOException {
        TenantPolicy policy = tenant.policy();
        this.prefix = "/api/v1/tenants/" + policy.tenant();
        this.policyDocument = JSON.writeValueAsBytes(policyDocument(policy));
        this.subjects = tenant.subjects().stream().collect(Collectors.toMap(Subject::id, Function.identity()));
        // One thread per open change stream besides the document requests: each stream blocks its thread.
        this.threads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("contract-server-", 0).factory());
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext(prefix + "/", this::handle);
        server.start();
    }

    /** Serves {@code tenant} until closed. */
    static ContractServer serving(GeneratedTenant tenant) {
        try {
            return new ContractServer(tenant);
        } catch (IOException failed) {
            throw new UncheckedIOException("cannot open a port on 127.0.0.1 for the contract documents", failed);
        }
    }

    /** The address to give the SDK's {@code baseUrl}. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The tenant slug the SDK must name. */
    static String tenantSlug(GeneratedTenant tenant) {
        return tenant.policy().tenant();
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, problem(401, "a bearer credential is required"));
                return;
            }
            String path = exchange.getRequestURI().getRawPath().substring(prefix.length());
            if (path.equals("/decisions/policy")) {
                send(exchange, 200, policyDocument);
            } else if (path.startsWith("/decisions/subjects/")) {
                String user = URLDecoder.decode(path.substring("/decisions/subjects/".length()), StandardCharsets.UTF_8);
                Subject subject = subjects.get(user);
                send(exchange, subject == null ? 404 : 200, subject == null
                        ? problem(404, "user " + user + " does not exist") : JSON.writeValueAsBytes(subjectDocument(subject)));
            } else if (path.equals("/changes")) {
                stream(exchange);
            } else {
                send(exchange, 404, problem(404, path + " is not served here"));
            }
        }
    }

    /** Section 3: {@code hello} with the version, then heartbeats until the client or the server closes. */
    private void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream body = exchange.getResponseBody();
        try {
            event(body, "hello");
            while (!closed) {
                Thread.sleep(HEARTBEAT_MILLIS);
                event(body, "heartbeat");
            }
        } catch (IOException clientWentAway) {
            // The SDK closed its stream: nothing more to send.
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    private static void event(OutputStream body, String type) throws IOException {
        body.write(("event: " + type + "\ndata: {\"version\":" + VERSION + "}\n\n").getBytes(StandardCharsets.UTF_8));
        body.flush();
    }

    private static void send(HttpExchange exchange, int status, byte[] json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, json.length);
        exchange.getResponseBody().write(json);
    }

    private static byte[] problem(int status, String detail) {
        return JSON.writeValueAsBytes(Map.of("status", status, "detail", detail));
    }

    /**
     * Section 1, every list in the generated policy's own order, so that the SDK compiles the very policy
     * jCasbin and {@link GatehouseCheckBenchmark} are given (the server sorts its rows; there are none here).
     */
    private static Map<String, Object> policyDocument(TenantPolicy policy) {
        List<Map<String, Object>> permissions = policy.catalog().permissions().stream()
                .map(permission -> Map.<String, Object>of("key", permission.key(), "description", permission.description(),
                        "kind", permission.kind().name()))
                .toList();
        List<Map<String, Object>> roles = policy.roles().stream().map(ContractServer::role).toList();
        List<Map<String, Object>> locations = policy.locations().locations().stream()
                .map(ContractServer::location)
                .toList();
        String tenantId = UUID.nameUUIDFromBytes(policy.tenant().getBytes(StandardCharsets.UTF_8)).toString();
        return Map.of("version", VERSION,
                "tenant", Map.of("id", tenantId, "slug", policy.tenant(), "key", policy.tenant()),
                "active", policy.active(), "timeZone", "UTC",
                "permissions", permissions, "roles", roles, "locations", locations);
    }

    private static Map<String, Object> role(Role role) {
        List<Map<String, Object>> grants = role.grants().stream().map(ContractServer::grant).toList();
        return Map.of("key", role.key(), "name", role.name(), "description", role.description(),
                "inherits", role.inherits(), "grants", grants);
    }

    private static Map<String, Object> grant(Grant grant) {
        if (grant.condition() != null) {
            throw new IllegalArgumentException("the generated tenant has no conditions to serve: " + grant);
        }
        return Map.of("permission", grant.permission(), "scope", grant.scope().name());
    }

    private static Map<String, Object> location(Location location) {
        return location.parent() == null ? Map.of("id", location.id(), "name", location.id())
                : Map.of("id", location.id(), "parent", location.parent(), "name", location.id());
    }

    /** Section 2, for a generated subject: active, standing assignments, no relations (nulls omitted). */
    private static Map<String, Object> subjectDocument(Subject subject) {
        List<Map<String, Object>> assignments = subject.assignments().stream().map(ContractServer::assignment).toList();
        return Map.of("version", VERSION, "id", subject.id(), "username", subject.id(), "status", subject.status().name(),
                "assignments", assignments, "relations", Map.of("tuples", List.of(), "careTeams", List.of()));
    }

    private static Map<String, Object> assignment(Assignment assignment) {
        if (assignment.startsAt() != null || assignment.expiresAt() != null || assignment.delegator() != null) {
            throw new IllegalArgumentException("generated assignments are standing and direct: " + assignment);
        }
        @Nullable String location = assignment.location();
        return location == null
                ? Map.of("id", assignment.id(), "role", assignment.role(), "source", assignment.source().name())
                : Map.of("id", assignment.id(), "role", assignment.role(), "location", location,
                        "source", assignment.source().name());
    }
}
