package dev.gatehouse.conditions;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Address ranges for {@code request.ip}: a literal address or CIDR range ({@code 10.0.0.0/8},
 * {@code 2001:db8::/32}), parsed by Guava's {@link InetAddresses}, which takes only literals (never
 * a DNS lookup), and kept per range text so that a range is parsed once, not per check.
 */
final class AddressRanges {

    /** A parsed range: its network's bytes and prefix length. */
    private record Range(byte[] network, int prefix) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false; // an IPv4 address is in no IPv6 range and the other way round
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    /** Ranges come from conditions (few per tenant) and, rarely, from attributes: enough for all, bounded. */
    private static final int MAX_KEPT = 4_096;
    private static final ConcurrentHashMap<String, Range> RANGES = new ConcurrentHashMap<>();

    private AddressRanges() {}

    /** Why {@code range} is not an address or CIDR range, or null when it is one. */
    static @Nullable String problem(String range) {
        try {
            range(range);
            return null;
        } catch (IllegalArgumentException e) {
            return "'" + range + "' is not an IP address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32";
        }
    }

    /** @throws IllegalArgumentException for a range or address that is not one: the condition is unevaluable */
    static boolean contains(ClientAddress address, String range) {
        return range(range).contains(bytes(address.text()));
    }

    static boolean anyContains(List<?> ranges, ClientAddress address) {
        byte[] bytes = bytes(address.text());
        for (Object range : ranges) {
            if (!(range instanceof String text)) {
                throw new IllegalArgumentException("an address range is a string, not " + range);
            }
            if (range(text).contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** An address's bytes; an IPv4-mapped IPv6 address (::ffff:10.1.2.3) is the IPv4 address it carries. */
    private static byte[] bytes(String address) {
        InetAddress parsed = InetAddresses.forString(address);
        return parsed.getAddress();
    }

    private static Range range(String text) {
        Range known = RANGES.get(text);
        if (known != null) {
            return known;
        }
        int slash = text.indexOf('/');
        byte[] network = bytes(slash < 0 ? text : text.substring(0, slash));
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!length.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
            prefix = Integer.parseInt(length);
        }
        Range parsed = new Range(network, prefix);
        if (RANGES.size() < MAX_KEPT) {
            RANGES.putIfAbsent(text, parsed);
        }
        return parsed;
    }
}
