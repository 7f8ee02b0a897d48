package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.SecurityShortcut;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.stereotype.Component;

/**
 * The security chain's rules for an endpoint answered ahead of the chain: the caller comes from
 * {@link BearerSessions}, as in {@link BearerTokenFilter}, and the answer goes out through the
 * chain's own {@link HeaderWriterFilter}, so its security headers are the ones every other
 * response carries.
 */
@Component
class ChainShortcut implements SecurityShortcut {

    private final BearerSessions bearer;
    private final NetworkRules networks;
    private final HeaderWriterFilter headers;
    private final Clock clock;

    ChainShortcut(BearerSessions bearer, NetworkRules networks, SecurityFilterChain chain, Clock clock) {
        this.bearer = bearer;
        this.networks = networks;
        this.headers = chain.getFilters().stream()
                .filter(HeaderWriterFilter.class::isInstance).map(HeaderWriterFilter.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("the API's security chain writes no security headers"));
        this.clock = clock;
    }

    @Override
    public @Nullable Caller callerFor(HttpServletRequest request) {
        Instant now = clock.instant();
        Optional<BearerSessions.Presented> presented = bearer.usable(request, now);
        if (presented.isEmpty() || !networks.permits(presented.get().session(), request.getRemoteAddr())) {
            return null;
        }
        Caller caller = bearer.admit(presented.get(), now);
        return RequiredActionsGate.blocks(caller, request.getRequestURI()) ? null : caller;
    }

    @Override
    public void respond(HttpServletRequest request, HttpServletResponse response, Answer answer)
            throws IOException, ServletException {
        headers.doFilter(request, response, (req, res) -> answer.writeTo((HttpServletResponse) res));
    }
}
