package dev.gatehouse.server.settings;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the address ranges of an IP allowlist: {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a
 * bare address (one host). Parsed by hand rather than with {@link java.net.InetAddress}, which
 * would resolve anything that looks like a host name through DNS.
 */
final class NetworkRanges {

    /** A range in its stored form, or why the text is not one. */
    record Parsed(@Nullable String range, @Nullable String problem) {
        static Parsed ok(String range) {
            return new Parsed(range, null);
        }

        static Parsed bad(String problem) {
            return new Parsed(null, problem);
        }
    }

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-f]{1,4}");
    private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final int MAPPED_PREFIX = 96;

    private NetworkRanges() {}

    static Parsed parse(String text) {
        String lower = text.strip().toLowerCase(Locale.ROOT);
        int slash = lower.indexOf('/');
        String address = slash < 0 ? lower : lower.substring(0, slash);
        boolean v6 = address.contains(":");
        byte[] bytes = v6 ? ipv6(address) : ipv4(address);
        if (bytes == null) {
            return Parsed.bad("'" + text + "' is not an IPv4 or IPv6 address or range (CIDR such as 10.0.0.0/8 or"
                    + " 2001:db8::/32)");
        }
        int bits = bytes.length * 8;
        String prefixText = slash < 0 ? String.valueOf(bits) : lower.substring(slash + 1);
        if (!PREFIX.matcher(prefixText).matches() || Integer.parseInt(prefixText) > bits) {
            return Parsed.bad("'" + text + "' has a bad prefix length; it is 0 to " + bits + " for an IPv"
                    + (v6 ? "6" : "4") + " range");
        }
        int prefix = Integer.parseInt(prefixText);
        if (v6 && ipv4Mapped(bytes)) {
            // Clients' IPv4-mapped addresses (::ffff:a.b.c.d) are compared as the IPv4 address they carry,
            // so a mapped range is stored as that IPv4 range; one reaching outside the mapped block is refused.
            if (prefix < MAPPED_PREFIX) {
                return Parsed.bad("'" + text + "' mixes IPv4-mapped and other IPv6 addresses; write the IPv4 range"
                        + " (a prefix of 96 or more on ::ffff:a.b.c.d)");
            }
            return parse(ipv4Text(bytes) + "/" + (prefix - MAPPED_PREFIX));
        }
        if (slash < 0) {
            return Parsed.ok(address + "/" + bits);
        }
        for (int bit = prefix; bit < bits; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                return Parsed.bad("'" + text + "' has address bits set beyond the /" + prefix
                        + " prefix; write the range's first address" + (v6 ? "" : " (" + network(bytes, prefix) + "/"
                        + prefix + ")"));
            }
        }
        return Parsed.ok(address + "/" + prefix);
    }

    /** Whether the 16 bytes are in ::ffff:0:0/96, the IPv4-mapped block. */
    private static boolean ipv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static String ipv4Text(byte[] mapped) {
        return (mapped[12] & 0xff) + "." + (mapped[13] & 0xff) + "." + (mapped[14] & 0xff) + "." + (mapped[15] & 0xff);
    }

    private static byte @Nullable [] ipv4(String text) {
        Matcher matcher = IPV4.matcher(text);
        if (!matcher.matches()) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = matcher.group(i + 1);
            // A leading zero reads as octal in some parsers (010 = 8): refuse the ambiguity.
            if (part.length() > 1 && part.charAt(0) == '0') {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static byte @Nullable [] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap < 0 ? text : text.substring(0, gap);
        String tail = gap < 0 ? "" : text.substring(gap + 2);
        int[] headGroups = groups(head, gap < 0);
        int[] tailGroups = gap < 0 ? new int[0] : groups(tail, true);
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int count = headGroups.length + tailGroups.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(headGroups, 0, all, 0, headGroups.length);
        System.arraycopy(tailGroups, 0, all, 8 - tailGroups.length, tailGroups.length);
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (all[i] >>> 8);
            bytes[2 * i + 1] = (byte) all[i];
        }
        return bytes;
    }

    /** Colon-separated 16-bit groups; the last may be a dotted IPv4 address (two groups) when {@code last}. */
    private static int @Nullable [] groups(String text, boolean last) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String[] parts = text.split(":", -1);
        int[] groups = new int[parts.length + 1];
        int count = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (last && i == parts.length - 1 && part.contains(".")) {
                byte[] v4 = ipv4(part);
                if (v4 == null) {
                    return null;
                }
                groups[count++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                groups[count++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
            } else if (HEX_GROUP.matcher(part).matches()) {
                groups[count++] = Integer.parseInt(part, 16);
            } else {
                return null;
            }
        }
        return java.util.Arrays.copyOf(groups, count);
    }

    private static String network(byte[] bytes, int prefix) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            int mask = keep == 0 ? 0 : (0xff << (8 - keep)) & 0xff;
            text.append(i == 0 ? "" : ".").append(bytes[i] & mask);
        }
        return text.toString();
    }
}
