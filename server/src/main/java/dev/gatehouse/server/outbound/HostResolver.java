package dev.gatehouse.server.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Looks a host name up in DNS: every address it has now. The guard asks it once per call and
 * connects only to what it answered; tests put their own in place (this machine has no internet
 * DNS, and rebinding needs a name whose answer changes).
 */
public interface HostResolver {

    /** Every address of {@code host} (a DNS name, never a literal address); throws when there is none. */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The system's resolver. */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
