package dev.gatehouse.server.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/**
 * A URL the guard let through: its host name (lower case, no trailing dot), port, and the
 * addresses it resolved to when checked. A call goes to these addresses and no others.
 */
public record Destination(URI uri, String scheme, String host, int port, List<InetAddress> addresses) {

    public Destination {
        addresses = List.copyOf(addresses);
    }
}
