package dev.gatehouse.server.alerts;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Builders for the alert ITs: rules set through the API, staff with e-mail addresses, the events
 * that rules watch (failed sign-ins, applications' data-access events), and what was raised.
 */
final class AlertFixtures {

    static final String INITIAL = TestMembers.INITIAL;

    private final ApiClient api;
    private final JdbcClient jdbc;
    private final int port;
    private final AlertEvaluator evaluator;

    AlertFixtures(ApiClient api, JdbcClient jdbc, int port, AlertEvaluator evaluator) {
        this.api = api;
        this.jdbc = jdbc;
        this.port = port;
        this.evaluator = evaluator;
    }

    /** Replaces the tenant's rules with {@code rules} (a JSON object; rules left out take their defaults). */
    Response rules(SignedInTenant tenant, String rules) {
        Response saved = api.put(tenant.path("/alerts"), tenant.adminToken(), json("rules", raw(rules)));
        if (saved.status() != 200) {
            throw new AssertionError("rules not saved: " + saved.raw());
        }
        return saved;
    }

    /** Creates an active user holding {@code role} tenant-wide, with an e-mail address; returns the id. */
    String user(SignedInTenant tenant, String username, String role) {
        return TestMembers.member(username).holding(role).withEmail().createWithoutSignIn(api, tenant.slug(),
                tenant.adminToken());
    }

    void failSignIn(SignedInTenant tenant, String username) {
        Response refused = api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", username,
                "password", "not the password at all"));
        if (refused.status() != 401) {
            throw new AssertionError("a wrong password was not refused: " + refused.raw());
        }
    }

    /** An application records that {@code user} did {@code action} to patient {@code patient}. */
    Response dataAccess(SignedInTenant tenant, String user, String action, String patient) {
        Response recorded = api.post(tenant.path("/audit/events"), tenant.adminToken(), json("action", action, "user",
                user, "resource", raw(json("type", "patient", "id", patient))));
        if (recorded.status() != 201) {
            throw new AssertionError("event not recorded: " + recorded.raw());
        }
        return recorded;
    }

    /** The rules raised in the tenant, oldest first, once every event so far has been evaluated. */
    List<String> raised(SignedInTenant tenant) {
        evaluator.awaitEvaluated();
        return jdbc.sql("select rule from alerts where tenant_id = :tenant order by raised_at, rule")
                .param("tenant", UUID.fromString(tenant.id())).query(String.class).list();
    }

    /**
     * Signs in over a socket bound to {@code from} (another loopback address, such as 127.0.0.2), so
     * the server sees a new client address; returns the HTTP status.
     */
    int signInFrom(String from, SignedInTenant tenant, String username, String password) {
        String body = json("tenant", tenant.slug(), "username", username, "password", password);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Integer.parseInt(response.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
