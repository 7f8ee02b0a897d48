package dev.gatehouse.server.conditions;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * Address ranges for {@code request.ip}: Spring Security's matcher, which takes only literal
 * addresses (never a DNS lookup), kept per range text so that a range is parsed once, not per check.
 */
final class AddressRanges {

    /** Ranges come from conditions (few per tenant) and, rarely, from attributes: enough for all, bounded. */
    private static final int MAX_KEPT = 4_096;
    private static final ConcurrentHashMap<String, IpAddressMatcher> MATCHERS = new ConcurrentHashMap<>();

    private AddressRanges() {}

    /** Why {@code range} is not an address or CIDR range, or null when it is one. */
    static @Nullable String problem(String range) {
        try {
            matcher(range);
            return null;
        } catch (IllegalArgumentException e) {
            return "'" + range + "' is not an IP address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32";
        }
    }

    /** @throws IllegalArgumentException for a range or address that is not one: the condition is unevaluable */
    static boolean contains(ClientAddress address, String range) {
        return matcher(range).matches(address.text());
    }

    static boolean anyContains(List<?> ranges, ClientAddress address) {
        for (Object range : ranges) {
            if (!(range instanceof String text)) {
                throw new IllegalArgumentException("an address range is a string, not " + range);
            }
            if (contains(address, text)) {
                return true;
            }
        }
        return false;
    }

    private static IpAddressMatcher matcher(String range) {
        IpAddressMatcher known = MATCHERS.get(range);
        if (known != null) {
            return known;
        }
        IpAddressMatcher parsed = new IpAddressMatcher(range);
        if (MATCHERS.size() < MAX_KEPT) {
            MATCHERS.putIfAbsent(range, parsed);
        }
        return parsed;
    }
}
