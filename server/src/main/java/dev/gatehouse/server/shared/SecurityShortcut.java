package dev.gatehouse.server.shared;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * What the security filter chain decides and writes, for an endpoint answered ahead of that chain
 * (the check API's lean path, docs/benchmarks.md). The authentication feature implements it with
 * the very code and configuration its chain uses, so that both doors apply the same rules; the
 * interface lives here because the answering feature may not depend on authentication
 * (ArchitectureTest).
 */
public interface SecurityShortcut {

    /**
     * The caller whom the security chain would let through to this request's endpoint now, or null
     * when the chain must answer the request itself: no usable bearer token, an address outside
     * the networks the caller's tenant and roles allow, or required actions still pending. A null
     * answer leaves nothing done that the chain would do again: the chain records refusals.
     */
    @Nullable Caller callerFor(HttpServletRequest request);

    /**
     * For a request the chain let through that is still under way (a stream): the caller whom the chain
     * would let through now, or null; unlike {@link #callerFor} it counts as no use of the credential.
     */
    @Nullable Caller stillLetThrough(HttpServletRequest request);

    /** Writes an answer with the security headers that the chain adds to every response. */
    void respond(HttpServletRequest request, HttpServletResponse response, Answer answer)
            throws IOException, ServletException;

    /** Writes status, content type and body. */
    @FunctionalInterface
    interface Answer {
        void writeTo(HttpServletResponse response) throws IOException;
    }
}
