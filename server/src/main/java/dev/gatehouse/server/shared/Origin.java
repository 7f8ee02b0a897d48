package dev.gatehouse.server.shared;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Where a request came from, for the audit trail, the throttles and the network rules: the
 * client's address and user agent. Resolved once per request at the edge (docs/style.md rule 18)
 * and kept as a request attribute, so filters and controllers read the same value; controllers
 * take it as a parameter ({@code edge.RequestOrigins}) instead of reading the request themselves.
 */
public record Origin(@Nullable String ip, @Nullable String userAgent) {

    private static final String ATTRIBUTE = Origin.class.getName();

    /**
     * The request's origin, built on first use and cached on the request. The address is the
     * servlet container's remote address, which honours {@code server.forward-headers-strategy}.
     * Only the edge calls this (ArchitectureTest).
     */
    public static Origin of(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof Origin cached) {
            return cached;
        }
        Origin origin = new Origin(request.getRemoteAddr(), request.getHeader("User-Agent"));
        request.setAttribute(ATTRIBUTE, origin);
        return origin;
    }
}
