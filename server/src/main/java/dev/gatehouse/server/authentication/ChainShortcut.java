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
 * {@link BearerAuthentication}, as in {@link BearerTokenFilter}, and the answer goes out through the
 * chain's own {@link HeaderWriterFilter}, so its security headers are the ones every other
 * response carries.
 */
@Component
class ChainShortcut implements SecurityShortcut {

    private final BearerAuthentication bearer;
    private final HeaderWriterFilter headers;

    ChainShortcut(BearerAuthentication bearer, @Qualifier("api") SecurityFilterChain chain) {
        this.bearer = bearer;
        this.headers = chain.getFilters().stream()
                .filter(HeaderWriterFilter.class::isInstance).map(HeaderWriterFilter.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("the API's security chain writes no security headers"));
    }

    @Override
    public @Nullable Caller callerFor(HttpServletRequest request) {
        String token = BearerAuthentication.token(request);
        if (token == null) {
            return null;
        }
        Caller caller = bearer.resolveQuietly(token, request).orElse(null);
        return caller == null || RequiredActionsGate.blocks(caller, request.getRequestURI()) ? null : caller;
    }

    @Override
    public void respond(HttpServletRequest request, HttpServletResponse response, Answer answer)
            throws IOException, ServletException {
        headers.doFilter(request, response, (req, res) -> answer.writeTo((HttpServletResponse) res));
    }
}
