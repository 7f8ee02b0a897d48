package dev.gatehouse.server.outbound;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses are public. An address is refused when it lies in a special-purpose block of
 * the IANA registries (RFC 6890 and its updates) that is not globally reachable: loopback,
 * private, shared, link-local (where cloud metadata answers), documentation, benchmarking,
 * multicast, broadcast and reserved space. IPv6 must be global unicast (2000::/3) outside those
 * blocks; forms that carry an IPv4 address (mapped, NAT64, 6to4) are judged by the IPv4 address
 * they carry, and the deprecated IPv4-compatible form and Teredo (whose IPv4 address is hidden)
 * are refused outright.
 */
final class AddressRules {

    /** A block of addresses and what to call an address in it ("a loopback address"). */
    record Block(byte[] network, int prefix, String kind) {

        static Block of(String cidr, String kind) {
            int slash = cidr.indexOf('/');
            try {
                // Literals only (dotted quads and IPv6 text): InetAddress parses them without any lookup.
                return new Block(InetAddress.getByName(cidr.substring(0, slash)).getAddress(),
                        Integer.parseInt(cidr.substring(slash + 1)), kind);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(cidr, e);
            }
        }

        boolean contains(byte[] address) {
            return address.length == network.length && matches(network, address, prefix);
        }
    }

    private static final List<Block> IPV4 = List.of(
            Block.of("0.0.0.0/8", "an unspecified (\"this network\") address"),
            Block.of("10.0.0.0/8", "a private address (RFC 1918)"),
            Block.of("100.64.0.0/10", "a carrier-grade NAT address (RFC 6598)"),
            Block.of("127.0.0.0/8", "a loopback address"),
            Block.of("169.254.0.0/16", "a link-local address (cloud metadata services answer there)"),
            Block.of("172.16.0.0/12", "a private address (RFC 1918)"),
            Block.of("192.0.0.0/24", "a reserved address (IETF protocol assignments)"),
            Block.of("192.0.2.0/24", "a documentation address"),
            Block.of("192.88.99.0/24", "a reserved address (6to4 relay anycast)"),
            Block.of("192.168.0.0/16", "a private address (RFC 1918)"),
            Block.of("198.18.0.0/15", "a benchmarking address"),
            Block.of("198.51.100.0/24", "a documentation address"),
            Block.of("203.0.113.0/24", "a documentation address"),
            Block.of("224.0.0.0/4", "a multicast address"),
            Block.of("255.255.255.255/32", "the broadcast address"),
            Block.of("240.0.0.0/4", "a reserved address"));

    private static final List<Block> IPV6 = List.of(
            Block.of("::/128", "an unspecified address"),
            Block.of("::1/128", "a loopback address"),
            Block.of("::/96", "a deprecated IPv4-compatible address"),
            Block.of("64:ff9b:1::/48", "a local-use NAT64 address"),
            Block.of("100::/64", "a discard-only address"),
            Block.of("2001::/32", "a Teredo tunnel address"),
            Block.of("2001:2::/48", "a benchmarking address"),
            Block.of("2001::/23", "a reserved address (IETF protocol assignments)"),
            Block.of("2001:db8::/32", "a documentation address"),
            Block.of("3fff::/20", "a documentation address"),
            Block.of("5f00::/16", "a reserved address (segment routing)"),
            Block.of("fc00::/7", "a unique-local address"),
            Block.of("fe80::/10", "a link-local address"),
            Block.of("fec0::/10", "a site-local address"),
            Block.of("ff00::/8", "a multicast address"));

    private static final Block MAPPED = Block.of("::ffff:0:0/96", "an IPv4-mapped address");
    private static final Block NAT64 = Block.of("64:ff9b::/96", "a NAT64 address");
    private static final Block SIX_TO_FOUR = Block.of("2002::/16", "a 6to4 address");
    private static final Block GLOBAL_UNICAST = Block.of("2000::/3", "global unicast");

    private AddressRules() {}

    /** What kind of non-public address {@code address} is ("a loopback address"), or empty when it is public. */
    static Optional<String> refusal(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4(bytes);
        }
        if (MAPPED.contains(bytes)) {
            return embedded(bytes, 12, "an IPv4-mapped");
        }
        if (NAT64.contains(bytes)) {
            return embedded(bytes, 12, "a NAT64");
        }
        if (SIX_TO_FOUR.contains(bytes)) {
            return embedded(bytes, 2, "a 6to4");
        }
        for (Block block : IPV6) {
            if (block.contains(bytes)) {
                return Optional.of(block.kind());
            }
        }
        return GLOBAL_UNICAST.contains(bytes) ? Optional.empty() : Optional.of("a reserved address");
    }

    private static Optional<String> ipv4(byte[] bytes) {
        for (Block block : IPV4) {
            if (block.contains(bytes)) {
                return Optional.of(block.kind());
            }
        }
        return Optional.empty();
    }

    /** An IPv6 form that carries an IPv4 address at {@code offset}: as public as the IPv4 address. */
    private static Optional<String> embedded(byte[] bytes, int offset, String form) {
        byte[] ipv4 = new byte[4];
        System.arraycopy(bytes, offset, ipv4, 0, 4);
        return ipv4(ipv4).map(kind -> form + " form of " + kind);
    }

    /** Whether the first {@code prefix} bits of {@code address} are those of {@code network}. */
    static boolean matches(byte[] network, byte[] address, int prefix) {
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((network[bit / 8] & mask) != (address[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
