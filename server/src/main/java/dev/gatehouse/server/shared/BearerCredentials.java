package dev.gatehouse.server.shared;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One kind of credential the API takes as {@code Authorization: Bearer <token>}: session tokens,
 * API keys, access tokens. The authentication feature's one filter (and the check API's lean path)
 * asks each kind, in {@link org.springframework.core.annotation.Order order}, whether it
 * {@link #claims} the token, and lets the first that does resolve it; the kinds are told apart by
 * how their tokens are spelled, so exactly one claims any token. It lives here so that features
 * other than authentication can add a kind without a cycle (ArchitectureTest).
 */
public interface BearerCredentials {

    /** Whether the token is spelled as this kind's tokens are (a prefix, a JWT's three parts). */
    boolean claims(String token);

    /**
     * The request's caller, or why there is none; records what it refuses (a network refusal, a
     * rate limit) on the trail as its kind does.
     */
    Resolution resolve(String token, HttpServletRequest request);

    /**
     * The caller when {@link #resolve} would find one live and allowed, recording and counting
     * nothing, for a path answered ahead of the security chain; empty hands the request to the
     * chain, which resolves it again and records any refusal once.
     */
    Optional<Caller> resolveQuietly(String token, HttpServletRequest request);

    /**
     * As {@link #resolveQuietly}, for a request that is already under way and asks again whether what
     * let it in still would (the change stream, at every heartbeat): a kind whose use keeps the
     * credential alive (a session's idle clock) does not count this as use, so that a long request
     * alone keeps nothing alive.
     */
    default Optional<Caller> stillLive(String token, HttpServletRequest request) {
        return resolveQuietly(token, request);
    }

    /** What a token amounts to for one request. */
    sealed interface Resolution {}

    /** A live credential of an active user, allowed from here. */
    record Live(Caller caller) implements Resolution {}

    /** Unknown, revoked, expired, or its user no longer active: nobody (401). */
    record Dead() implements Resolution {}

    /**
     * A live credential refused for this request: {@code status} 403 (a network rule) or 429 (a
     * rate limit, with {@code retryAfter}); the problem document's {@code type} ends in
     * {@code problem}.
     */
    record Refused(int status, String problem, String title, String detail, @Nullable Duration retryAfter)
            implements Resolution {}
}
