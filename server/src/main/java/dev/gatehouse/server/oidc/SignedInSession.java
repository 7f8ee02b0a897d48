package dev.gatehouse.server.oidc;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The Gatehouse session a user signed in to an application with: the details of the principal an
 * authorization keeps, so its tokens carry {@code sid}, {@code auth_time} and {@code amr} and die
 * with the session. Serializable, as the sealed authorization is ({@link Authorizations}).
 */
record SignedInSession(UUID tenant, UUID session, Instant authTime, List<String> amr) implements Serializable {

    SignedInSession {
        amr = List.copyOf(amr);
    }
}
