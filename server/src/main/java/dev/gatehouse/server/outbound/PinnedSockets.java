package dev.gatehouse.server.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * Plain sockets that connect to the address the guard checked, whatever host name the library asks
 * for (issue 16: an SMTP relay). Jakarta Mail resolves the relay's name again when it connects, so a
 * name that answered a public address when checked could answer a private one a moment later (DNS
 * rebinding); with this factory the connection goes to the checked address. The name is still the
 * library's for everything else: TLS (implicit, or after STARTTLS) is layered on this socket with the
 * host name, so the certificate is checked against the name the operator typed.
 */
public final class PinnedSockets extends SocketFactory {

    private final InetAddress address;

    /** Sockets to the first address {@code checked} resolved to. */
    public PinnedSockets(Destination checked) {
        if (checked.addresses().isEmpty()) {
            throw new IllegalArgumentException("a checked destination without addresses: " + checked.host());
        }
        this.address = checked.addresses().getFirst();
    }

    /** The address every socket of this factory connects to. */
    public InetAddress address() {
        return address;
    }

    @Override
    public Socket createSocket() {
        return new Pinned();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket socket = new Pinned();
        socket.bind(new InetSocketAddress(localHost, localPort));
        socket.connect(new InetSocketAddress(address, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort) throws IOException {
        return createSocket(host.getHostAddress(), port, localAddress, localPort);
    }

    private Socket connected(int port) throws IOException {
        Socket socket = new Pinned();
        socket.connect(new InetSocketAddress(address, port));
        return socket;
    }

    /** A socket whose connect keeps the asked port and replaces the address with the checked one. */
    private final class Pinned extends Socket {

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress asked)) {
                throw new IOException("only TCP endpoints are connected to: " + endpoint);
            }
            super.connect(new InetSocketAddress(address, asked.getPort()), timeout);
        }
    }
}
