package dev.gatehouse.benchmarks;

import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.LocalDecisions;
import dev.gatehouse.client.LocalOptions;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.casbin.jcasbin.main.CachedEnforcer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issue 14: the three ways an application can ask "may this user do this?", in one run.
 *
 * <ul>
 *   <li>{@code sdkLocal*}: the Java SDK's {@link LocalDecisions#allows(String, String, Resource)}, the
 *       generated tenant downloaded by the SDK's own code from a {@link ContractServer} (the contract's
 *       documents over HTTP in this JVM, its change stream open and heartbeating), on the requests of
 *       {@link GatehouseCheckBenchmark} with {@code distinctRequests=1024};
 *   <li>{@code jcasbinCached*}: jCasbin's {@link CachedEnforcer} on the same policy
 *       ({@link CasbinTenant}) and the same requests; it caches by a key joined from the request, and
 *       never learns of a change made elsewhere;
 *   <li>{@code httpCheck}: {@code POST /api/v1/tenants/{tenant}/check} against a running Gatehouse server,
 *       one request at a time over a kept-alive connection, with an API key: the server, tenant, user and
 *       key come from {@code -Dgatehouse.url}, {@code -Dgatehouse.tenant}, {@code -Dgatehouse.user} and
 *       {@code -Dgatehouse.key} ({@code scripts/sdk-benchmark.sh} starts a server and sets them).
 * </ul>
 * Setup asks the SDK and jCasbin every request and refuses to run if either disagrees with Gatehouse's
 * decision once, and refuses to run the HTTP check unless the server allows its request.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SdkCheckBenchmark {

    private static final int CASES = 1 << 10;
    private static final int MASK = CASES - 1;

    /** The generated tenant and the first {@link #CASES} requests of each kind, shared by the local ways. */
    @State(Scope.Benchmark)
    public static class Requests {

        @Param({"1000", "100000"})
        public int users;

        GeneratedTenant tenant;
        List<AccessCases.Case> allowed;
        List<AccessCases.Case> denied;

        @Setup
        public void draw() {
            tenant = GeneratedTenant.withUsers(users);
            TenantPolicy policy = tenant.policy();
            List<Profile> profiles = tenant.subjects().stream().map(policy::compile).toList();
            // The same draw as GatehouseCheckBenchmark's, so these are its first requests of each kind.
            AccessCases cases = AccessCases.draw(tenant, profiles, GatehouseCheckBenchmark.CASES);
            allowed = cases.allowed().subList(0, CASES);
            denied = cases.denied().subList(0, CASES);
        }

        String user(AccessCases.Case drawn) {
            return tenant.subjects().get(drawn.subject()).id();
        }
    }

    /** The SDK's local decisions over the contract documents, every user of the requests already downloaded. */
    @State(Scope.Benchmark)
    public static class Sdk {

        private ContractServer documents;
        private GatehouseClient client;
        LocalDecisions local;
        String[] allowedUsers;
        String[] allowedPermissions;
        Resource[] allowedResources;
        String[] deniedUsers;
        String[] deniedPermissions;
        Resource[] deniedResources;
        int next;

        @Setup
        public void start(Requests requests) {
            documents = ContractServer.serving(requests.tenant);
            client = GatehouseClient.builder().baseUrl(documents.baseUrl()).apiKey(ContractServer.KEY)
                    .tenant(ContractServer.tenantSlug(requests.tenant)).build();
            local = client.localDecisions(LocalOptions.defaults());
            allowedUsers = new String[CASES];
            allowedPermissions = new String[CASES];
            allowedResources = new Resource[CASES];
            deniedUsers = new String[CASES];
            deniedPermissions = new String[CASES];
            deniedResources = new Resource[CASES];
            fill(requests, requests.allowed, allowedUsers, allowedPermissions, allowedResources);
            fill(requests, requests.denied, deniedUsers, deniedPermissions, deniedResources);
            LocalDecisions.Status status = local.status();
            if (status.state() != LocalDecisions.State.CONNECTED) {
                throw new IllegalStateException("the SDK's change stream is not connected: " + status);
            }
            System.out.printf("%nSDK local decisions for %,d users: %s%n", requests.users, status);
        }

        /** Each request asked once (downloading its user), and required to decide as Gatehouse decided at the draw. */
        private void fill(Requests requests, List<AccessCases.Case> cases, String[] users, String[] permissions,
                Resource[] resources) {
            for (int i = 0; i < CASES; i++) {
                AccessCases.Case drawn = cases.get(i);
                users[i] = requests.user(drawn);
                permissions[i] = drawn.permission();
                resources[i] = GatehouseCheckBenchmark.fresh(drawn.resource());
                if (local.allows(users[i], permissions[i], resources[i]) != drawn.decision().allowed()) {
                    throw new IllegalStateException("the SDK and Gatehouse disagree on " + users[i] + " " + permissions[i]
                            + " at " + resources[i].location() + ": Gatehouse says " + drawn.decision().explain());
                }
            }
        }

        @TearDown
        public void stop() {
            client.close();
            documents.close();
        }
    }

    /** jCasbin's cached enforcer on the same policy and requests (ROLE_FIRST, its documented matcher order). */
    @State(Scope.Benchmark)
    public static class Casbin {

        CachedEnforcer enforcer;
        Object[][] allowed;
        Object[][] denied;
        int next;

        @Setup
        public void load(Requests requests) {
            enforcer = CasbinTenant.cachedEnforcer(requests.tenant, CasbinTenant.Matcher.ROLE_FIRST);
            allowed = casbinRequests(requests, requests.allowed);
            denied = casbinRequests(requests, requests.denied);
        }

        private Object[][] casbinRequests(Requests requests, List<AccessCases.Case> cases) {
            Object[][] built = new Object[CASES][];
            for (int i = 0; i < CASES; i++) {
                AccessCases.Case drawn = cases.get(i);
                built[i] = CasbinTenant.request(requests.user(drawn), drawn.permission(), drawn.resource());
                if (enforcer.enforce(built[i]) != drawn.decision().allowed()) {
                    throw new IllegalStateException("jCasbin and Gatehouse disagree on " + requests.user(drawn) + " "
                            + drawn.permission() + ": Gatehouse says " + drawn.decision().explain());
                }
            }
            return built;
        }
    }

    /** A running Gatehouse server's check API, named by system properties. */
    @State(Scope.Benchmark)
    public static class Http {

        private HttpClient http;
        private HttpRequest check;

        @Setup
        public void connect() throws IOException, InterruptedException {
            String url = required("gatehouse.url");
            String tenant = required("gatehouse.tenant");
            String body = "{\"user\":\"" + required("gatehouse.user") + "\",\"permission\":\""
                    + System.getProperty("gatehouse.permission", "patients.read") + "\"}";
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                    .build();
            check = HttpRequest.newBuilder(URI.create(url + "/api/v1/tenants/" + tenant + "/check"))
                    .timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + required("gatehouse.key"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> answer = http.send(check, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200 || !answer.body().contains("\"allowed\":true")) {
                throw new IllegalStateException("the server does not allow " + body + ": " + answer.statusCode() + " "
                        + answer.body());
            }
        }

        private static String required(String property) {
            String value = System.getProperty(property);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("-D" + property + " is required for the HTTP check: run "
                        + "scripts/sdk-benchmark.sh, which starts a server and sets gatehouse.url, .tenant, .user and .key");
            }
            return value;
        }

        @TearDown
        public void close() {
            http.close();
        }
    }

    /** An allowed request, decided in this process by the SDK (issue 14 target: ≤ 100 ns, 0 B). */
    @Benchmark
    public boolean sdkLocalAllowed(Sdk sdk) {
        int i = sdk.next++ & MASK;
        return sdk.local.allows(sdk.allowedUsers[i], sdk.allowedPermissions[i], sdk.allowedResources[i]);
    }

    /** A denied request, decided in this process by the SDK. */
    @Benchmark
    public boolean sdkLocalDenied(Sdk sdk) {
        int i = sdk.next++ & MASK;
        return sdk.local.allows(sdk.deniedUsers[i], sdk.deniedPermissions[i], sdk.deniedResources[i]);
    }

    /** The same allowed request, answered from jCasbin's cache after setup asked it once. */
    @Benchmark
    public boolean jcasbinCachedAllowed(Casbin casbin) {
        return casbin.enforcer.enforce(casbin.allowed[casbin.next++ & MASK]);
    }

    /** The same denied request put to jCasbin's cached enforcer. */
    @Benchmark
    public boolean jcasbinCachedDenied(Casbin casbin) {
        return casbin.enforcer.enforce(casbin.denied[casbin.next++ & MASK]);
    }

    /** One allowed check over HTTP, the server's answer read whole. */
    @Benchmark
    public String httpCheck(Http server) throws IOException, InterruptedException {
        return server.http.send(server.check, HttpResponse.BodyHandlers.ofString()).body();
    }
}
