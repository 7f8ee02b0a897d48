package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;

/**
 * Assignments that an allowed decision may use up: an approved one-time elevation (issue 13) is
 * consumed by the first allowed check that used it, exactly once across nodes. The elevation
 * requests are temporary access's, which implements this; access holds only the interface (as
 * {@link Members}), and asks it only for a decision granted through an {@code ELEVATION}
 * assignment.
 */
public interface OneTimeAssignments {

    /**
     * Whether an allow through {@code assignment} of {@code user} may stand: always for a lasting
     * one; for a one-time one, only for the one caller, on any node, that consumes it now (which
     * ends it and announces the change). False: it was used already and the allow must not stand.
     */
    boolean spend(TenantId tenant, UUID user, UUID assignment);
}
