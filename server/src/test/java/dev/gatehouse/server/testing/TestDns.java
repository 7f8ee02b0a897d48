package dev.gatehouse.server.testing;

import dev.gatehouse.server.outbound.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The outbound guard's DNS in the ITs (this machine has no internet DNS): a few fixed names, and
 * names a test points where it likes ({@link #answer}) — a webhook host that later rebinds to
 * loopback. Any other name does not resolve.
 */
public final class TestDns implements HostResolver {

    /** The receivers the tests run on 127.0.0.1, reached by this name, which the tests' operator allows. */
    public static final String RECEIVER = "receiver.test";

    private final Map<String, List<InetAddress>> answers = new ConcurrentHashMap<>();

    TestDns() {
        answer(RECEIVER, "127.0.0.1");
        answer("hooks.example", "93.184.215.14");
        // What the real nip.io answers: the address spelled in the name.
        answer("127.0.0.1.nip.io", "127.0.0.1");
    }

    /** From now on {@code name} resolves to {@code addresses} (literals). */
    public void answer(String name, String... addresses) {
        List<InetAddress> list = new ArrayList<>();
        for (String address : addresses) {
            try {
                list.add(InetAddress.getByName(address));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(address, e);
            }
        }
        answers.put(name, List.copyOf(list));
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        List<InetAddress> found = answers.get(host);
        if (found == null) {
            throw new UnknownHostException(host);
        }
        return found;
    }

    /** Puts the test DNS in place of the system's. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Configuration {

        @Bean
        @Primary
        TestDns testDns() {
            return new TestDns();
        }
    }
}
