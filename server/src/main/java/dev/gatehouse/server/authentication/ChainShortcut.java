package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.SecurityShortcut;
import dev.gatehouse.server.throttling.Throttle;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.stereotype.Component;

/**
 * The security chain's rules for an endpoint answered ahead of the chain: the caller comes from
 * {@link BearerAuthentication}, as in {@link BearerTokenFilter}, and the answer goes out through the
 * chain's own {@link HeaderWriterFilter}, so its security headers are the ones every other
 * response carries.
 *
 * <p>The API chain's header writers are Spring Security's defaults (SecurityConfiguration), whose
 * only question about the request is whether it came over TLS (HSTS): so the headers the filter
 * wrote for the first answer of each kind are written as recorded for the next ones, which costs
 * a check a fraction of the filter's wrapping (docs/benchmarks.md, "Branch check12").
 * CheckPathSecurityIT compares the lean answer's headers with the full stack's.
 */
@Component
class ChainShortcut implements SecurityShortcut {

    private final BearerAuthentication bearer;
    private final Throttle throttle;
    private final HeaderWriterFilter headers;
    /** The headers the filter wrote, by {@link HttpServletRequest#isSecure} (0 no, 1 yes), once recorded. */
    private final AtomicReferenceArray<List<String[]>> recorded = new AtomicReferenceArray<>(2);

    ChainShortcut(BearerAuthentication bearer, Throttle throttle, @Qualifier("api") SecurityFilterChain chain) {
        this.bearer = bearer;
        this.throttle = throttle;
        this.headers = chain.getFilters().stream()
                .filter(HeaderWriterFilter.class::isInstance).map(HeaderWriterFilter.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("the API's security chain writes no security headers"));
    }

    @Override
    public @Nullable Caller callerFor(HttpServletRequest request) {
        String token = BearerAuthentication.token(request);
        // An address spent on unknown tokens is the chain's to refuse, before any lookup (BearerTokenFilter).
        if (token == null || throttle.spentHere(Throttle.Door.BEARER, Origin.of(request).ip()).isPresent()) {
            return null;
        }
        Caller caller = bearer.resolveQuietly(token, request).orElse(null);
        return caller == null || RequiredActionsGate.blocks(caller, request.getRequestURI()) ? null : caller;
    }

    @Override
    public @Nullable Caller stillLetThrough(HttpServletRequest request) {
        String token = BearerAuthentication.token(request);
        Caller caller = token == null ? null : bearer.stillLive(token, request).orElse(null);
        return caller == null || RequiredActionsGate.blocks(caller, request.getRequestURI()) ? null : caller;
    }

    @Override
    public void respond(HttpServletRequest request, HttpServletResponse response, Answer answer)
            throws IOException, ServletException {
        int kind = request.isSecure() ? 1 : 0;
        List<String[]> written = recorded.get(kind);
        if (written == null) {
            Recorder recorder = new Recorder(response);
            headers.doFilter(request, recorder, (req, res) -> answer.writeTo((HttpServletResponse) res));
            if (recorder.complete) {
                recorded.compareAndSet(kind, null, List.copyOf(recorder.headers));
            }
            return;
        }
        for (String[] header : written) {
            response.addHeader(header[0], header[1]);
        }
        answer.writeTo(response);
    }

    /**
     * Passes everything on and notes the headers set by name and text; a header set any other way,
     * or one set twice, leaves the record incomplete, and the filter writes the next answer's too.
     */
    private static final class Recorder extends HttpServletResponseWrapper {
        private final List<String[]> headers = new ArrayList<>();
        private boolean complete = true;

        Recorder(HttpServletResponse response) {
            super(response);
        }

        private void note(String name, String value) {
            for (String[] header : headers) {
                complete &= !header[0].equalsIgnoreCase(name);
            }
            headers.add(new String[] {name, value});
        }

        @Override
        public void setHeader(String name, String value) {
            note(name, value);
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            note(name, value);
            super.addHeader(name, value);
        }

        @Override
        public void setDateHeader(String name, long date) {
            complete = false;
            super.setDateHeader(name, date);
        }

        @Override
        public void addDateHeader(String name, long date) {
            complete = false;
            super.addDateHeader(name, date);
        }

        @Override
        public void setIntHeader(String name, int value) {
            complete = false;
            super.setIntHeader(name, value);
        }

        @Override
        public void addIntHeader(String name, int value) {
            complete = false;
            super.addIntHeader(name, value);
        }
    }
}
