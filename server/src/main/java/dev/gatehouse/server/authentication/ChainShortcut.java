package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.SecurityShortcut;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.stereotype.Component;

/**
 * The security chain's rules for an endpoint answered ahead of the chain: the caller comes from
 * {@link SessionResolver}, as in {@link BearerTokenFilter}, and the answer goes out through the
 * chain's own {@link HeaderWriterFilter}, so its security headers are the ones every other
 * response carries.
 */
@Component
class ChainShortcut implements SecurityShortcut {

    private final SessionResolver sessions;
    private final HeaderWriterFilter headers;

    ChainShortcut(SessionResolver sessions, @Qualifier("api") SecurityFilterChain chain) {
        this.sessions = sessions;
        this.headers = chain.getFilters().stream()
                .filter(HeaderWriterFilter.class::isInstance).map(HeaderWriterFilter.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("the API's security chain writes no security headers"));
    }

    @Override
    public @Nullable Caller callerFor(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        Caller caller = sessions.resolveQuietly(header.substring(7).strip(), request).orElse(null);
        return caller == null || RequiredActionsGate.blocks(caller, request.getRequestURI()) ? null : caller;
    }

    @Override
    public void respond(HttpServletRequest request, HttpServletResponse response, Answer answer)
            throws IOException, ServletException {
        headers.doFilter(request, response, (req, res) -> answer.writeTo((HttpServletResponse) res));
    }
}
