package dev.gatehouse.server.database;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * 200 audit exports to clients that read nothing hold every permit of the export budget, and the
 * node still serves everyone else: sign-in, a check and health answer at once from the main pool,
 * and the exports beyond the budget are refused with 503 and Retry-After rather than queued
 * (issue 11: "sign-in and check keep answering while 200 exports run").
 */
class ExportBudgetIT extends IntegrationTest {

    private static final int EXPORTS = 200;

    @Autowired
    private StreamBudget budget;

    private final List<Socket> stalled = new ArrayList<>();

    @AfterEach
    void hangUp() throws IOException {
        for (Socket socket : stalled) {
            socket.close();
        }
    }

    @Test
    void slowExportsHoldOnlyTheirBudgetAndTheRestOfTheNodeKeepsAnswering() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        // About 16 MB of trail: far more than the sockets between a stalled client and the server buffer.
        String note = "x".repeat(7_900);
        for (int batch = 0; batch < 2; batch++) {
            StringBuilder events = new StringBuilder("[");
            for (int i = 0; i < 1_000; i++) {
                events.append(i == 0 ? "" : ",").append(json("action", "PATIENT_RECORD_VIEWED", "user",
                        clinic.adminId(), "resource", raw(json("type", "patient", "id", "p" + i)), "details",
                        raw(json("note", note))));
            }
            ApiClient.Response filled = api.post(clinic.path("/audit/events/batch"), clinic.adminToken(),
                    json("events", raw(events.append("]").toString())));
            assertThat(filled.status()).as(filled.raw()).isEqualTo(201);
        }

        // Streams of earlier tests in the shared context (an export, a report) give their permits back
        // first, so that every permit counted below is one of these exports'.
        await().atMost(Duration.ofSeconds(60)).until(() -> budget.inUse() == 0);
        ExecutorService clients = Executors.newFixedThreadPool(EXPORTS);
        List<Future<String>> heads = new ArrayList<>();
        for (int i = 0; i < EXPORTS; i++) {
            heads.add(clients.submit(() -> stalledExport(clinic)));
        }
        List<String> answers = new ArrayList<>();
        for (Future<String> head : heads) {
            answers.add(head.get());
        }
        clients.shutdown();
        long streaming = answers.stream().filter(h -> h.startsWith("HTTP/1.1 200")).count();
        List<String> refused = answers.stream().filter(h -> h.startsWith("HTTP/1.1 503")).toList();
        System.out.printf("export budget: %d exports streaming, %d refused, permits in use %d%n", streaming,
                refused.size(), budget.inUse());

        assertThat(streaming).as("exports streaming at once").isEqualTo(budget.inUse()).isPositive().isLessThan(10);
        assertThat(refused).as("the others refused at once").hasSize(EXPORTS - (int) streaming)
                .allMatch(h -> h.toLowerCase(Locale.ROOT).contains("\nretry-after: "), "Retry-After")
                .allMatch(h -> h.contains("application/problem+json"), "a problem document");

        long start = System.nanoTime();
        String token = api.login(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        long signIn = millisSince(start);
        ApiClient.Response check = timed(() -> api.post(clinic.path("/check"), token, json("user", "admin",
                "permission", "patients.read")));
        long checkMillis = lastMillis;
        ApiClient.Response health = timed(() -> api.get("/actuator/health", null));
        long healthMillis = lastMillis;
        ApiClient.Response extra = timed(() -> api.get(clinic.path("/audit/export?format=csv"), token));
        long refusalMillis = lastMillis;
        System.out.printf("export budget: while %d exports stream, sign-in took %d ms, a check %d ms, health %d ms, "
                + "a further export's refusal %d ms%n", streaming, signIn, checkMillis, healthMillis, refusalMillis);

        // No bound on the times (a loaded CI machine makes any bound a coin toss; docs/benchmarks.md has the
        // figures): what is proven is that each was answered while the exports still held every permit.
        assertThat(budget.inUse()).as("permits still held by the stalled exports after the answers")
                .isEqualTo((int) streaming);
        assertThat(check.status()).as(check.raw()).isEqualTo(200);
        assertThat(health.status()).as(health.raw()).isEqualTo(200);
        assertThat(extra.status()).as(extra.raw()).isEqualTo(503);
        assertThat(extra.http().headers().firstValue("Retry-After")).isPresent();
        assertThat(extra.raw()).contains("\"status\":503");

        for (Socket socket : stalled) {
            socket.close();
        }
        stalled.clear();
        await().atMost(Duration.ofSeconds(30)).until(() -> budget.inUse() == 0);
        ApiClient.Response after = api.get(clinic.path("/audit/export?format=csv&action=USER_CREATED"), token);
        assertThat(after.status()).as("an export once the budget is free again").isEqualTo(200);
    }

    private long lastMillis;

    private ApiClient.Response timed(Supplier<ApiClient.Response> call) {
        long start = System.nanoTime();
        ApiClient.Response response = call.get();
        lastMillis = millisSince(start);
        return response;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Sends the export request and reads its head only, then reads nothing more: a client that stalls. */
    private String stalledExport(SignedInTenant clinic) throws IOException {
        Socket socket = new Socket();
        synchronized (stalled) {
            stalled.add(socket);
        }
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(30_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port()));
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + clinic.path("/audit/export?format=jsonl") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + clinic.adminToken() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
    }
}
