package dev.gatehouse.server.outbound;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's exceptions ({@code GATEHOUSE_OUTBOUND_ALLOW}): comma-separated host names (matched
 * exactly, case and a trailing dot ignored) and address ranges in CIDR notation (a bare address is
 * one host). An allowed host may resolve anywhere; an address in an allowed range may be reached
 * whatever name led there; both may be called over plain http. A bad entry stops the server at
 * start, so a typo never silently leaves a hook blocked or open.
 */
final class AllowList {

    static final AllowList NONE = new AllowList(Set.of(), List.of());

    private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

    private final Set<String> hosts;
    private final List<AddressRules.Block> ranges;

    private AllowList(Set<String> hosts, List<AddressRules.Block> ranges) {
        this.hosts = Set.copyOf(hosts);
        this.ranges = List.copyOf(ranges);
    }

    static AllowList parse(String text) {
        Set<String> hosts = new HashSet<>();
        List<AddressRules.Block> ranges = new ArrayList<>();
        for (String raw : text.split(",")) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress literal = HostNames.literal(address);
            if (literal == null) {
                String host = HostNames.withoutTrailingDot(entry);
                if (slash >= 0 || !HostNames.isDnsName(host)) {
                    throw new IllegalArgumentException("GATEHOUSE_OUTBOUND_ALLOW: '" + raw.strip()
                            + "' is neither a host name nor an address range (CIDR such as 10.1.0.0/16)");
                }
                hosts.add(host);
                continue;
            }
            int bits = literal.getAddress().length * 8;
            String prefix = slash < 0 ? String.valueOf(bits) : entry.substring(slash + 1);
            if (!PREFIX.matcher(prefix).matches() || Integer.parseInt(prefix) > bits) {
                throw new IllegalArgumentException("GATEHOUSE_OUTBOUND_ALLOW: '" + raw.strip()
                        + "' has a bad prefix length (0 to " + bits + ")");
            }
            ranges.add(new AddressRules.Block(literal.getAddress(), Integer.parseInt(prefix), "allowed"));
        }
        return new AllowList(hosts, ranges);
    }

    boolean allowsHost(String host) {
        return hosts.contains(host);
    }

    boolean allowsAddress(InetAddress address) {
        byte[] bytes = address.getAddress();
        return ranges.stream().anyMatch(range -> range.contains(bytes));
    }
}
