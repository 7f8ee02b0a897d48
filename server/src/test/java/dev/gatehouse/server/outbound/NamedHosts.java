package dev.gatehouse.server.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A DNS of the test's own: names answer what the test says, other names do not resolve. */
final class NamedHosts implements HostResolver {

    private final Map<String, List<InetAddress>> answers = new ConcurrentHashMap<>();
    final AtomicInteger lookups = new AtomicInteger();

    NamedHosts answer(String name, String... addresses) {
        List<InetAddress> list = new ArrayList<>();
        for (String address : addresses) {
            try {
                list.add(InetAddress.getByName(address));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(address, e);
            }
        }
        answers.put(name, list);
        return this;
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        lookups.incrementAndGet();
        List<InetAddress> found = answers.get(host);
        if (found == null) {
            throw new UnknownHostException(host);
        }
        return found;
    }
}
