package dev.gatehouse.server.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The one HTTP client that calls out (Apache HttpClient 5). Each call is checked by the
 * {@link OutboundGuard} and then connects to the addresses that check resolved, by address: the
 * client never looks the name up again (its own resolver refuses every lookup), while TLS still
 * sends the host name (SNI) and verifies the certificate against it. Redirects are not followed
 * (a 3xx is the answer), nothing is retried, no cookies or proxies from system properties are
 * used, and every wait is short.
 */
@Component
public class OutboundHttp implements AutoCloseable {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(5);
    /** A name with many addresses is tried on at most this many, so one call stays short. */
    static final int MAX_ADDRESSES_TRIED = 3;

    /** What the receiver answered. */
    public record Answer(int status) {
        public boolean successful() {
            return status >= 200 && status < 300;
        }
    }

    private final OutboundGuard guard;
    private final CloseableHttpClient client;

    @Autowired
    OutboundHttp(OutboundGuard guard) {
        this(guard, SSLContexts.createDefault());
    }

    /** {@code tls}: whom to trust (the JVM's CA certificates in production; a test's own CA in tests). */
    OutboundHttp(OutboundGuard guard, SSLContext tls) {
        this.guard = guard;
        Timeout connect = Timeout.of(CONNECT_TIMEOUT);
        Timeout response = Timeout.of(RESPONSE_TIMEOUT);
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new NoLookups())
                        // Verifies the certificate against the host name (not the address connected to).
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect)
                                .setSocketTimeout(response).build())
                        .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(response).build())
                        .setMaxConnTotal(50).setMaxConnPerRoute(5)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false)
                        .setResponseTimeout(response).setConnectionRequestTimeout(connect).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setUserAgent("Gatehouse")
                .build();
    }

    /**
     * POSTs {@code body} as JSON to {@code url} after checking it; throws {@link RefusedDestination}
     * when the guard refuses it now, or another {@link IOException} when no address answered.
     */
    public Answer postJson(String url, Map<String, String> headers, String body) throws IOException {
        Destination destination = guard.check(url);
        List<InetAddress> addresses = destination.addresses();
        IOException last = new ConnectException("no address to connect to");
        for (InetAddress address : addresses.subList(0, Math.min(addresses.size(), MAX_ADDRESSES_TRIED))) {
            // The address is the checked one; the name is what TLS verifies and the Host header carries.
            HttpHost target = new HttpHost(destination.scheme(), address, destination.host(), destination.port());
            HttpPost post = new HttpPost(destination.uri());
            headers.forEach(post::setHeader);
            post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
            try (ClassicHttpResponse response = client.executeOpen(target, post, null)) {
                // The body is not read: an answer's status is all a delivery needs, and a receiver
                // must not keep the worker busy with a long one. Closing unread drops the connection.
                return new Answer(response.getCode());
            } catch (ConnectException | NoRouteToHostException | ConnectTimeoutException e) {
                // Nothing was sent over a connection that never opened: the next checked address may answer.
                last = e;
            }
        }
        throw last;
    }

    /** An answer with its body (at most the caller's cap). */
    public record Response(int status, @Nullable String contentType, byte[] body) {
        public boolean successful() {
            return status >= 200 && status < 300;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * GETs {@code url} after checking it (an identity provider's metadata, discovery document or
     * keys); the body is read up to {@code maxBytes}, and a longer one is refused with an
     * {@link IOException}, so a hostile server cannot fill the heap.
     */
    public Response get(String url, Map<String, String> headers, int maxBytes) throws IOException {
        Destination destination = guard.check(url);
        return exchange(new HttpGet(destination.uri()), destination, headers, null, null, maxBytes);
    }

    /** POSTs {@code body} as {@code contentType} to {@code url} after checking it, reading the answer as {@link #get} does. */
    public Response post(String url, Map<String, String> headers, String contentType, byte[] body, int maxBytes)
            throws IOException {
        Destination destination = guard.check(url);
        return exchange(new HttpPost(destination.uri()), destination, headers, contentType, body, maxBytes);
    }

    private Response exchange(HttpUriRequestBase request, Destination destination, Map<String, String> headers,
            @Nullable String contentType, byte @Nullable [] body, int maxBytes) throws IOException {
        List<InetAddress> addresses = destination.addresses();
        IOException last = new ConnectException("no address to connect to");
        headers.forEach(request::setHeader);
        if (body != null) {
            request.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
        }
        for (InetAddress address : addresses.subList(0, Math.min(addresses.size(), MAX_ADDRESSES_TRIED))) {
            HttpHost target = new HttpHost(destination.scheme(), address, destination.host(), destination.port());
            try (ClassicHttpResponse response = client.executeOpen(target, request, null)) {
                byte[] read = new byte[0];
                HttpEntity entity = response.getEntity();
                if (entity != null) {
                    try (InputStream in = entity.getContent()) {
                        read = in.readNBytes(maxBytes + 1);
                    }
                }
                if (read.length > maxBytes) {
                    throw new IOException(destination.host() + " answered more than " + maxBytes + " bytes");
                }
                return new Response(response.getCode(), entity == null ? null : entity.getContentType(), read);
            } catch (ConnectException | NoRouteToHostException | ConnectTimeoutException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Spring closes it with the context (an AutoCloseable bean). */
    @Override
    public void close() throws IOException {
        client.close();
    }

    /** The client's own resolver: every address comes from the guard, so any lookup here is a bug. */
    private static final class NoLookups implements org.apache.hc.client5.http.DnsResolver {

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            throw new UnknownHostException(host + ": outbound calls connect only to addresses the guard checked");
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            throw new UnknownHostException(host + ": outbound calls connect only to addresses the guard checked");
        }
    }
}
