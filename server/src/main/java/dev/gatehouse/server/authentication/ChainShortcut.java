package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.SecurityShortcut;
import dev.gatehouse.server.throttling.Throttle;
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
 * {@link BearerAuthentication}, as in {@link BearerTokenFilter}, and the answer goes out through the
 * chain's own {@link HeaderWriterFilter}, so its security headers are the ones every other
 * response carries.
 */
@Component
class ChainShortcut implements SecurityShortcut {

    private final BearerAuthentication bearer;
    private final Throttle throttle;
    private final HeaderWriterFilter headers;

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
        headers.doFilter(request, response, (req, res) -> answer.writeTo((HttpServletResponse) res));
    }
}
