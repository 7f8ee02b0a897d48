package dev.gatehouse.server.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Decides whether Gatehouse may call a URL, once when a tenant saves it and again before every
 * call (DNS answers change: rebinding). A URL passes when it is {@code https} (plain {@code http}
 * only to what the operator allows), names its host without user info in a canonical form, and
 * every address the host has now is public or in the operator's allowed ranges; one bad address
 * refuses the whole name, since a client may pick any of them.
 */
@Component
public class OutboundGuard {

    private final HostResolver resolver;
    private final AllowList allowed;

    /** {@code allow}: the operator's GATEHOUSE_OUTBOUND_ALLOW (host names and CIDR ranges, comma-separated). */
    public OutboundGuard(HostResolver resolver, @Value("${gatehouse.outbound.allow:}") String allow) {
        this.resolver = resolver;
        this.allowed = AllowList.parse(allow);
    }

    /** Why {@code url} may not be called, or empty when it may (resolving its host now). */
    public Optional<String> problem(String url) {
        try {
            check(url);
            return Optional.empty();
        } catch (RefusedDestination e) {
            return Optional.of(e.reason());
        }
    }

    /** The checked destination of {@code url}, with the addresses a call must use; or why not. */
    public Destination check(String url) throws RefusedDestination {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedDestination("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getRawAuthority() == null) {
            throw new RefusedDestination("must be an https URL");
        }
        String authority = uri.getRawAuthority();
        if (authority.contains("@")) {
            // https://public.example@127.0.0.1/ goes to 127.0.0.1: what is left of @ is a user name.
            throw new RefusedDestination("must not contain user info (name@ before the host)");
        }
        String host = HostNames.withoutTrailingDot(hostOf(uri, authority).toLowerCase(Locale.ROOT));
        boolean hostAllowed = allowed.allowsHost(host);
        List<InetAddress> addresses = addresses(host, hostAllowed);
        boolean rangeAllowed = true;
        for (InetAddress address : addresses) {
            if (allowed.allowsAddress(address)) {
                continue;
            }
            rangeAllowed = false;
            Optional<String> kind = AddressRules.refusal(address);
            if (kind.isPresent() && !hostAllowed) {
                throw new RefusedDestination("resolves to " + address.getHostAddress() + ", " + kind.get());
            }
        }
        if (scheme.equals("http") && !hostAllowed && !rangeAllowed) {
            throw new RefusedDestination("must use https (plain http only to hosts the operator allows in"
                    + " GATEHOUSE_OUTBOUND_ALLOW)");
        }
        if (uri.getHost() == null) {
            // Forms java.net.URI cannot place (a numeric host with a trailing dot): checked above for
            // a better message, never called.
            throw new RefusedDestination("does not have a valid host name");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new Destination(uri, scheme, host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port,
                addresses);
    }

    private List<InetAddress> addresses(String host, boolean hostAllowed) throws RefusedDestination {
        InetAddress literal = HostNames.literal(host);
        if (literal != null) {
            return List.of(literal);
        }
        if (HostNames.looksNumeric(host)) {
            throw new RefusedDestination("is not a canonical IPv4 address (write four decimal numbers such as"
                    + " 192.0.2.10; octal, hexadecimal, integer and shortened forms are refused)");
        }
        if (!HostNames.isDnsName(host)) {
            throw new RefusedDestination("does not have a valid host name");
        }
        if (HostNames.isLocalhost(host) && !hostAllowed) {
            throw new RefusedDestination("names this machine (localhost), a loopback address");
        }
        try {
            List<InetAddress> found = resolver.resolve(host);
            if (found.isEmpty()) {
                throw new UnknownHostException(host);
            }
            return found;
        } catch (UnknownHostException e) {
            throw new RefusedDestination("does not resolve: " + host + " has no address in DNS");
        }
    }

    /** The host as written: java.net.URI leaves it out for forms it cannot parse (127.1, a trailing dot). */
    private static String hostOf(URI uri, String authority) {
        if (uri.getHost() != null) {
            return uri.getHost();
        }
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? authority : authority.substring(0, close + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }
}
