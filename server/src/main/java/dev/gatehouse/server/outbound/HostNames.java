package dev.gatehouse.server.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How a host is written. A literal address is accepted only in its canonical form: IPv4 as four
 * decimal numbers 0–255 without leading zeros ({@code 127.0.0.1}), IPv6 in brackets. Any other
 * host whose last label is a number ({@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1},
 * {@code 127.1}, {@code 1.2.3.4.5}) is refused rather than interpreted: browsers, libc and Java
 * read those spellings differently (WHATWG URL treats a numeric last label as IPv4), so the guard
 * and the connection could disagree about where they lead.
 */
final class HostNames {

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern CANONICAL_IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");
    private static final Pattern IPV6_TEXT = Pattern.compile("[0-9a-f:.]+");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private HostNames() {}

    /** One trailing dot (the DNS root) is the same name; lower case is expected. */
    static String withoutTrailingDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /**
     * The address {@code host} spells when it is a canonical literal (IPv4 dotted quad, or IPv6 with
     * or without brackets), else null. Never a DNS lookup: InetAddress parses literals itself, and
     * only text that is one reaches it.
     */
    static @Nullable InetAddress literal(String host) {
        String text = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean ipv6 = text.contains(":") && IPV6_TEXT.matcher(text).matches();
        if (!ipv6 && !CANONICAL_IPV4.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether the last label is a number, so the host is an IPv4 address in some spelling. */
    static boolean looksNumeric(String host) {
        String last = host.substring(host.lastIndexOf('.') + 1);
        return NUMERIC_LABEL.matcher(last).matches();
    }

    /** A DNS name of letters, digits and hyphens (punycode for others), at most 253 characters. */
    static boolean isDnsName(String host) {
        if (host.isEmpty() || host.length() > 253 || looksNumeric(host)) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** RFC 6761 §6.3: localhost and every name under it mean this machine, whatever DNS says. */
    static boolean isLocalhost(String host) {
        return host.equals("localhost") || host.endsWith(".localhost");
    }
}
