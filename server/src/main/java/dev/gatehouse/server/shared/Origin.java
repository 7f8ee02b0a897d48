package dev.gatehouse.server.shared;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/** Where a request came from, for the audit trail: the client's address and user agent. */
public record Origin(@Nullable String ip, @Nullable String userAgent) {

    /** The request's address and user agent. */
    public static Origin of(HttpServletRequest request) {
        return new Origin(request.getRemoteAddr(), request.getHeader("User-Agent"));
    }
}
