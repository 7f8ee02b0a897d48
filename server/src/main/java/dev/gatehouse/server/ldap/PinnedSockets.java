package dev.gatehouse.server.ldap;

import dev.gatehouse.server.outbound.Destination;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * The sockets JNDI's LDAP client opens, pinned to the addresses the outbound guard checked (one way
 * out, docs/security.md): named in the environment as {@code java.naming.ldap.factory.socket}, which
 * JNDI instantiates through a static {@code getDefault()}, so the checked destination travels to it
 * in a thread-local set around each connect ({@link #pinned}). A connect with no destination pinned,
 * or to another host or port (a referral), is refused. The URL keeps the host name, so TLS (ldaps and
 * StartTLS) still verifies the certificate against the name.
 */
public final class PinnedSockets extends SocketFactory {

    /** How long a TCP connect may take, per address. */
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private record Pin(Destination destination, boolean tls) {}

    private static final ThreadLocal<@Nullable Pin> PINNED = new ThreadLocal<>();

    /** What JNDI calls, by reflection, to get a factory. */
    public static SocketFactory getDefault() {
        return new PinnedSockets();
    }

    /** Runs {@code work} with every socket JNDI opens on this thread going to {@code destination}. */
    static <T> T pinned(Destination destination, boolean tls, Supplier<T> work) {
        Pin previous = PINNED.get();
        PINNED.set(new Pin(destination, tls));
        try {
            return work.get();
        } finally {
            PINNED.set(previous);
        }
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Pin pin = PINNED.get();
        if (pin == null) {
            throw new SocketException("refused: no checked destination for this LDAP connection");
        }
        Destination destination = pin.destination();
        if (!normal(host).equals(normal(destination.host())) || port != destination.port()) {
            throw new SocketException("refused: " + host + ":" + port + " is not the directory's checked address"
                    + " (referrals are not followed)");
        }
        IOException last = new SocketException("no address to connect to");
        for (InetAddress address : destination.addresses()) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                socket.close();
                last = e;
                continue;
            }
            if (!pin.tls()) {
                return socket;
            }
            // ldaps: TLS over the pinned connection, for the name in the URL (JNDI then turns on
            // endpoint identification and shakes hands).
            return ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, destination.host(), port,
                    true);
        }
        throw last;
    }

    @Override
    public Socket createSocket() throws IOException {
        // JNDI asks for an unconnected socket only with its own connect timeout set, which it then
        // connects to an address it resolved itself; refusing makes it call createSocket(host, port).
        throw new SocketException("unconnected sockets are not offered: connects are pinned");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new SocketException("refused: LDAP connects by the checked host name only");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new SocketException("refused: LDAP connects by the checked host name only");
    }

    private static String normal(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
    }
}
