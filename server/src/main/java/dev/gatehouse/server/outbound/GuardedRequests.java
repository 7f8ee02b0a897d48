package dev.gatehouse.server.outbound;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Spring's HTTP client abstraction over {@link OutboundHttp}: every request a Spring client sends
 * through it (Spring Security's token exchange, JWK set and userinfo calls) is a checked, pinned
 * {@link OutboundHttp#get} or {@link OutboundHttp#post} — no redirects followed, the answer's body
 * capped. Only GET and POST exist; the body is buffered, as OAuth requests are small.
 */
final class GuardedRequests implements ClientHttpRequestFactory {

    private final OutboundHttp http;
    private final int maxBytes;

    GuardedRequests(OutboundHttp http, int maxBytes) {
        this.http = http;
        this.maxBytes = maxBytes;
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod method) throws IOException {
        if (method != HttpMethod.GET && method != HttpMethod.POST) {
            throw new IOException(method + " is not sent out through the outbound guard (GET and POST only)");
        }
        return new Request(uri, method);
    }

    private final class Request implements ClientHttpRequest {

        private final URI uri;
        private final HttpMethod method;
        private final HttpHeaders headers = new HttpHeaders();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final Map<String, Object> attributes = new LinkedHashMap<>();

        Request(URI uri, HttpMethod method) {
            this.uri = uri;
            this.method = method;
        }

        @Override
        public HttpMethod getMethod() {
            return method;
        }

        @Override
        public URI getURI() {
            return uri;
        }

        @Override
        public Map<String, Object> getAttributes() {
            return attributes;
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public OutputStream getBody() {
            return body;
        }

        @Override
        public ClientHttpResponse execute() throws IOException {
            Map<String, String> sent = new LinkedHashMap<>();
            headers.forEach((name, values) -> {
                if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE) && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                    sent.put(name, String.join(", ", values));
                }
            });
            String contentType = headers.getContentType() == null ? "application/octet-stream"
                    : headers.getContentType().toString();
            OutboundHttp.Response answer = method == HttpMethod.GET
                    ? http.get(uri.toString(), sent, maxBytes)
                    : http.post(uri.toString(), sent, contentType, body.toByteArray(), maxBytes);
            return new Response(answer);
        }
    }

    private record Response(OutboundHttp.Response answer) implements ClientHttpResponse {

        @Override
        public HttpStatusCode getStatusCode() {
            return HttpStatusCode.valueOf(answer.status());
        }

        @Override
        public String getStatusText() {
            return "";
        }

        @Override
        public HttpHeaders getHeaders() {
            HttpHeaders headers = new HttpHeaders();
            if (answer.contentType() != null && !answer.contentType().isBlank()) {
                headers.set(HttpHeaders.CONTENT_TYPE, answer.contentType());
            }
            headers.setContentLength(answer.body().length);
            return headers;
        }

        @Override
        public InputStream getBody() {
            return new ByteArrayInputStream(answer.body());
        }

        @Override
        public void close() {
            // The body is already read in full (and capped) by OutboundHttp.
        }
    }
}
