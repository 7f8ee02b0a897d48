package dev.gatehouse.server.outbound;

import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Whether Gatehouse may connect to an SMTP relay an operator typed (issue 16): the outbound guard's
 * address rules — no loopback, private, link-local (cloud metadata) or other special-purpose address,
 * every address the name has now — unless the operator allows the host or its range in
 * {@code GATEHOUSE_SMTP_ALLOW} (an internal relay is the usual case). Its own list, not the webhooks'
 * {@code GATEHOUSE_OUTBOUND_ALLOW}: a relay allowed on the office network opens nothing for tenants' URLs.
 * Checked when the settings are saved and again before every connection (DNS answers change).
 */
@Component
public class MailRelays {

    private final OutboundGuard guard;

    public MailRelays(HostResolver resolver, @Value("${gatehouse.smtp.allow:}") String allow) {
        this.guard = new OutboundGuard(resolver, allow);
    }

    /** The checked relay, with the addresses it has now; or why not (the guard's reason). */
    public Destination check(String host, int port) throws RefusedDestination {
        String literal = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return guard.check("https://" + literal + ":" + port + "/");
    }

    /** Why {@code host} may not be a relay, or empty when it may. */
    public Optional<String> problem(String host, int port) {
        try {
            check(host, port);
            return Optional.empty();
        } catch (RefusedDestination e) {
            return Optional.of(e.reason());
        }
    }
}
