package dev.gatehouse.client;

/**
 * What {@link LocalDecisions} answers once it has heard nothing from the change stream for its
 * staleness bound (issue 14): it can no longer promise that a revoked role is gone.
 */
public enum WhenStale {
    /** Deny, with reason code {@code STALE_DECISIONS} saying since when and why: safe for a security product. */
    FAIL_CLOSED,
    /** Ask the server over HTTP for each check until the stream is back: available, slower. */
    HTTP
}
