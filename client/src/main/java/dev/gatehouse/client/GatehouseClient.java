package dev.gatehouse.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;

/**
 * A tenant's application talking to Gatehouse (issue 14): checks, batches, who-can, effective permissions,
 * relationships and audit events over the HTTP API, and {@link #localDecisions in-process decisions}.
 *
 * <pre>{@code
 * try (GatehouseClient client = GatehouseClient.builder()
 *         .baseUrl(URI.create("https://gatehouse.example.org"))
 *         .apiKey(System.getenv("GATEHOUSE_API_KEY"))
 *         .build()) {
 *     boolean may = client.check(Check.of("dr.patel", "patients.read")
 *             .on(ResourceRef.of("patient", "123").at(downtown))).allowed();
 * }
 * }</pre>
 *
 * <p>Thread-safe; one instance per application. Every call may throw a {@link GatehouseException}
 * subclass naming the refusal; 429 and 503 answers and refused connections are retried first (see
 * {@link Builder#maxRetries}).
 */
public final class GatehouseClient implements AutoCloseable {

    private static final TypeReference<Page<Holder>> HOLDERS = new TypeReference<>() {};
    private static final TypeReference<Page<Relationship>> RELATIONSHIPS = new TypeReference<>() {};

    private final Transport transport;
    /** Whether the HTTP client is the client's own, to shut down with it (an application's stays open). */
    private final boolean ownsHttp;
    private final Clock clock;
    private final List<LocalDecisions> opened = new CopyOnWriteArrayList<>();
    private volatile @Nullable String tenant;

    private GatehouseClient(Transport transport, boolean ownsHttp, @Nullable String tenant, Clock clock) {
        this.transport = transport;
        this.ownsHttp = ownsHttp;
        this.tenant = tenant;
        this.clock = clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The tenant the client works in (slug or id): as configured, else the credential's own, learnt once
     * from {@code GET /api/v1/me}.
     */
    public String tenant() {
        String known = tenant;
        if (known == null) {
            synchronized (this) {
                if (tenant == null) {
                    Wire.Me me = transport.get("/api/v1/me", Wire.Me.class);
                    tenant = String.valueOf(me.tenant().get("slug"));
                }
                known = tenant;
            }
        }
        return known;
    }

    /** "May this user do this?", answered by the server ({@code POST …/check}). */
    public CheckResult check(Check check) {
        Map<String, Object> tree = Json.MAPPER.readValue(transport.send("POST", tenantPath("/check"),
                Wire.CheckBody.of(check)), Json.TREE);
        return Wire.result(tree, Answered.SERVER);
    }

    /**
     * Up to 1000 checks in one request, answered in order; {@code audit} records the denies of every check
     * that does not say otherwise. Bad input in any check fails the whole batch ({@link InvalidRequestException}
     * naming {@code checks[i].field}); an unknown user is answered in place as an error with status 404.
     */
    public List<BatchResult> checkBatch(List<Check> checks, boolean audit) {
        List<Wire.CheckBody> bodies = checks.stream().map(Wire.CheckBody::of).toList();
        return Wire.batchResults(transport.post(tenantPath("/check/batch"), new Wire.BatchBody(bodies, audit),
                Wire.BatchAnswer.class));
    }

    /** The tenant's users who may do {@code permission} at {@code location} (anywhere when null), with how. */
    public Page<Holder> whoCan(String permission, @Nullable String location, int page, int size) {
        String query = "?permission=" + Wire.encode(permission) + (location == null ? "" : "&location="
                + Wire.encode(location)) + "&page=" + page + "&size=" + size;
        return Json.MAPPER.readValue(transport.send("GET", tenantPath("/who-can" + query), null), HOLDERS);
    }

    /** What {@code user} (an id) may do now, at {@code location} or anywhere when null. */
    public List<EffectivePermissionView> effectivePermissions(String user, @Nullable String location) {
        String query = location == null ? "" : "?location=" + Wire.encode(location);
        return transport.get(tenantPath("/users/" + Wire.encode(user) + "/permissions" + query),
                Wire.PermissionsAnswer.class).permissions();
    }

    /**
     * Writes {@code subject relation objectType:objectId} ({@code "user:<id>"} or {@code "careteam:<id>"}; a
     * bare id is a user), until {@code expiresAt} or for good. Idempotent: writing it again replaces its expiry.
     */
    public Relationship writeRelationship(String subject, String relation, String objectType, String objectId,
            @Nullable Instant expiresAt) {
        return transport.post(tenantPath("/relationships"), new Wire.RelationshipBody(Relationship.Party.parse(subject),
                relation, new Relationship.Party(objectType, objectId), expiresAt), Relationship.class);
    }

    /** Deletes the relationship with this id. */
    public void deleteRelationship(String id) {
        transport.delete(tenantPath("/relationships/" + Wire.encode(id)));
    }

    /**
     * Deletes the tuple {@code subject relation objectType:objectId}, if it is stored; answers whether it was.
     */
    public boolean deleteRelationship(String subject, String relation, String objectType, String objectId) {
        String query = "?subject=" + Wire.encode(Relationship.Party.parse(subject).toString()) + "&relation="
                + Wire.encode(relation) + "&object=" + Wire.encode(objectType + ":" + objectId) + "&size=200";
        Page<Relationship> found = Json.MAPPER.readValue(transport.send("GET", tenantPath("/relationships" + query),
                null), RELATIONSHIPS);
        found.items().forEach(relationship -> deleteRelationship(relationship.id()));
        return !found.items().isEmpty();
    }

    /** Records an application's event in the tenant's audit trail; answers its sequence number. */
    public long recordAuditEvent(AuditEventRequest event) {
        return transport.post(tenantPath("/audit/events"), event, Wire.EventRecorded.class).seq();
    }

    /** Records up to 1000 events together, or none when any is refused; answers their sequence numbers in order. */
    public List<Long> recordAuditEvents(List<AuditEventRequest> events) {
        return transport.post(tenantPath("/audit/events/batch"), new Wire.EventsBody(events), Wire.EventsRecorded.class)
                .seqs();
    }

    /**
     * Decisions in this process, by the server's engine, kept fresh by the change stream. Downloads the
     * tenant's policy now and opens the stream; closing the client closes it too.
     *
     * @throws GatehouseException when the policy cannot be downloaded
     */
    public LocalDecisions localDecisions(LocalOptions options) {
        LocalDecisions local = LocalDecisions.start(this, transport, options, clock);
        opened.add(local);
        return local;
    }

    /** {@code /api/v1/tenants/{tenant}} followed by {@code rest}. */
    String tenantPath(String rest) {
        return "/api/v1/tenants/" + Wire.encode(tenant()) + rest;
    }

    void forget(LocalDecisions local) {
        opened.remove(local);
    }

    /** Stops every {@link LocalDecisions} of this client, and the HTTP client unless it was the application's. */
    @Override
    public void close() {
        new ArrayList<>(opened).forEach(LocalDecisions::close);
        if (ownsHttp) {
            transport.close();
        }
    }

    /** Configures a client: a base URL and one credential are required. */
    public static final class Builder {
        private @Nullable URI baseUrl;
        private @Nullable Authorization authorization;
        private @Nullable ClientCredentials clientCredentials;
        private @Nullable String tenant;
        private Duration timeout = Duration.ofSeconds(5);
        private int maxRetries = 3;
        private @Nullable Duration deadline;
        private @Nullable HttpClient http;
        private Transport.Sleeper sleeper = wait -> Thread.sleep(wait);
        private Clock clock = Clock.systemUTC();
        private @Nullable URI tokenEndpoint;
        private @Nullable String clientId;
        private @Nullable String clientSecret;
        private List<String> scopes = List.of();

        private Builder() {}

        /** Where Gatehouse is: {@code https://gatehouse.example.org} (the operator's public URL). */
        public Builder baseUrl(URI url) {
            this.baseUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /** An API key ({@code ghk_…}): acts as its owner narrowed to its scopes (docs/api.md). */
        public Builder apiKey(String key) {
            this.authorization = Authorization.apiKey(key);
            this.tokenEndpoint = null;
            return this;
        }

        /** A token the application obtains itself (a user's session token, an OAuth access token), asked per request. */
        public Builder bearerToken(Supplier<String> tokens) {
            this.authorization = Authorization.bearer(tokens);
            this.tokenEndpoint = null;
            return this;
        }

        /**
         * An OAuth client of the tenant (docs/api.md), its access token fetched from {@code tokenEndpoint}
         * ({@code {baseUrl}/oauth2/{tenant}/token}) with the client-credentials grant and kept until shortly
         * before it expires.
         */
        public Builder clientCredentials(URI tokenEndpoint, String clientId, String secret, String... scopes) {
            this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.clientSecret = Objects.requireNonNull(secret, "secret");
            this.scopes = Arrays.asList(scopes);
            this.authorization = null;
            return this;
        }

        /** The tenant's slug or id; without it, the credential's own tenant is learnt from {@code /api/v1/me}. */
        public Builder tenant(@Nullable String slugOrId) {
            this.tenant = slugOrId;
            return this;
        }

        /** How long one attempt may take (5 s unless set). */
        public Builder timeout(Duration perAttempt) {
            this.timeout = Objects.requireNonNull(perAttempt, "perAttempt");
            return this;
        }

        /** Retries of a 429, a 503 or a refused connection after the first attempt (3 unless set; 0: none). */
        public Builder maxRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative");
            }
            this.maxRetries = retries;
            return this;
        }

        /**
         * The most one call may take, retries and waits included; unless set, every attempt's timeout plus
         * the longest backoff between each.
         */
        public Builder deadline(Duration overall) {
            this.deadline = Objects.requireNonNull(overall, "overall");
            return this;
        }

        /** An HTTP client of the application's (proxy, TLS settings); one is made otherwise. */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Tests wait without sleeping. */
        Builder sleeper(Transport.Sleeper waits) {
            this.sleeper = waits;
            return this;
        }

        Builder clock(Clock time) {
            this.clock = time;
            return this;
        }

        public GatehouseClient build() {
            URI base = Objects.requireNonNull(baseUrl, "baseUrl is required");
            HttpClient client = http != null ? http : HttpClient.newBuilder().connectTimeout(timeout)
                    .version(HttpClient.Version.HTTP_1_1).build();
            Authorization credential = authorization;
            if (tokenEndpoint != null) {
                ClientCredentials tokens = new ClientCredentials(tokenEndpoint, Objects.requireNonNull(clientId),
                        Objects.requireNonNull(clientSecret), scopes, timeout, clock);
                tokens.use(client);
                credential = tokens;
            }
            if (credential == null) {
                throw new IllegalStateException("a credential is required: apiKey, bearerToken or clientCredentials");
            }
            Duration overall = deadline != null ? deadline
                    : timeout.multipliedBy(maxRetries + 1L).plus(Transport.MAX_BACKOFF.multipliedBy(maxRetries));
            return new GatehouseClient(new Transport(base, client, credential, timeout, maxRetries, overall, sleeper, clock),
                    http == null, tenant, clock);
        }
    }
}
