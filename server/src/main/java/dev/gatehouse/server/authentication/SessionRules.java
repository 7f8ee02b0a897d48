package dev.gatehouse.server.authentication;

import dev.gatehouse.server.settings.TenantSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The session and network rules of one user: the tenant's settings read together with the roles
 * the user holds (seed 000: session timeout, IP rules; ASVS 7.3).
 *
 * <p>Idle timeout: {@code sessionPolicy.idleMinutes}, unless a held role has an entry in
 * {@code sessionPolicy.idleMinutesByRole}; then the shortest of those entries applies (the
 * strictest role wins, even when it is longer than the tenant's default).
 *
 * <p>Networks: the address must lie in {@code ipAllowlist} when that is not empty, and, for every
 * held role with a non-empty entry in {@code ipAllowlistByRole}, in that role's ranges too. Each
 * rule narrows; none widens another. "Held" means an assignment of the role itself that is valid
 * now (a role reached only through inheritance does not count).
 *
 * <p>{@code bindToDevice} ({@code sessionPolicy.bindToDevice}): a session opened with a device id is
 * used only with the same one ({@link DeviceBinding}).
 */
record SessionRules(Duration idle, int maxHours, @Nullable Integer maxConcurrent, boolean refuseOverLimit,
        List<List<Range>> networks, boolean bindToDevice) {

    /** Only literal addresses reach {@link InetAddress#getByName}, which would otherwise ask DNS. */
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    static SessionRules of(TenantSettings settings, Collection<String> heldRoles) {
        TenantSettings.SessionPolicy session = settings.sessionPolicy();
        int idle = session.idleMinutes();
        int strictest = Integer.MAX_VALUE;
        for (String role : heldRoles) {
            Integer minutes = session.idleMinutesByRole().get(role);
            if (minutes != null) {
                strictest = Math.min(strictest, minutes);
            }
        }
        if (strictest != Integer.MAX_VALUE) {
            idle = strictest;
        }
        List<List<Range>> networks = new ArrayList<>();
        addRule(networks, settings.ipAllowlist());
        for (String role : heldRoles) {
            addRule(networks, settings.ipAllowlistByRole().getOrDefault(role, List.of()));
        }
        return new SessionRules(Duration.ofMinutes(idle), session.maxHours(), session.maxConcurrent(),
                session.refuseOverLimit(), List.copyOf(networks), session.bindToDevice());
    }

    /**
     * Whether the settings have a network rule for anyone: a tenant range, or a role's non-empty list. Without
     * one every address passes whatever roles are held, so a caller need not read them (issue 12: an API key's
     * request read its owner's roles and built these rules for nothing in most tenants).
     */
    static boolean anyNetworkRule(TenantSettings settings) {
        if (!settings.ipAllowlist().isEmpty()) {
            return true;
        }
        for (List<String> ranges : settings.ipAllowlistByRole().values()) {
            if (!ranges.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a request from {@code address} passes every network rule (true when there is none). */
    boolean allows(@Nullable String address) {
        if (networks.isEmpty()) {
            return true;
        }
        byte[] bytes = address(address);
        if (bytes == null) {
            return false;
        }
        for (List<Range> rule : networks) {
            if (rule.stream().noneMatch(range -> range.contains(bytes))) {
                return false;
            }
        }
        return true;
    }

    private static void addRule(List<List<Range>> networks, List<String> ranges) {
        if (ranges.isEmpty()) {
            return;
        }
        List<Range> rule = new ArrayList<>();
        for (String text : ranges) {
            Range range = Range.parse(text);
            // Stored ranges were checked when saved; one that no longer reads matches nothing (fail closed).
            if (range != null) {
                rule.add(range);
            }
        }
        networks.add(List.copyOf(rule));
    }

    /** The bytes of a literal IPv4 or IPv6 address (brackets and zone dropped), never asking DNS; null otherwise. */
    static byte @Nullable [] address(@Nullable String text) {
        if (text == null) {
            return null;
        }
        String literal = text.strip();
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (!LITERAL.matcher(literal).matches() || (!literal.contains(":") && !literal.contains("."))) {
            return null;
        }
        try {
            // An IPv4-mapped IPv6 address (::ffff:10.1.2.3) comes back as the IPv4 address.
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An address range: the first address and the prefix length (CIDR). */
    record Range(byte[] network, int prefix) {

        private static final int MAPPED_PREFIX = 96;

        static @Nullable Range parse(String text) {
            int slash = text.indexOf('/');
            byte[] bytes = address(slash < 0 ? text : text.substring(0, slash));
            if (bytes == null) {
                return null;
            }
            try {
                int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
                if (bytes.length == 4 && text.contains(":") && slash >= 0) {
                    // Saved before mapped ranges were stored as IPv4: ::ffff:10.0.0.0/104 is 10.0.0.0/8.
                    prefix -= MAPPED_PREFIX;
                }
                return prefix < 0 || prefix > bytes.length * 8 ? null : new Range(bytes, prefix);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
