package dev.gatehouse.server.shared;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Where the links Gatehouse writes point — invitation and reset links in mails and in API answers,
 * the console's copy of them, alert mails (docs/api.md, "Conventions"): the operator's
 * {@code GATEHOUSE_PUBLIC_URL} ({@code gatehouse.public-url}).
 *
 * <p>Unset, a link follows the address the request reached this server at — but never a host an
 * attacker chose: the {@code Host} header of a forgot-password request is the attacker's to write,
 * and a reset link mailed to the victim with the attacker's host would hand over the victim's token
 * (host-header poisoning, OWASP WSTG-INPV-17). So the request's host is believed only when it names
 * the very socket the request arrived on (that address, or {@code localhost} on a loopback socket);
 * any other name gives way to the socket's own address, with the connector's scheme and port. A
 * server reached under a host name or behind a proxy must therefore set the variable, and start-up
 * warns while it is unset.
 */
@Component
public class PublicUrl {

    private static final Logger log = LoggerFactory.getLogger(PublicUrl.class);

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final @Nullable String configured;
    private final Environment environment;

    PublicUrl(@Value("${gatehouse.public-url:}") String configured, Environment environment) {
        this.configured = configured.isBlank() ? null : validated(configured.strip());
        this.environment = environment;
    }

    /**
     * The start of a link written now, without a trailing slash: the configured URL, else the
     * current request's own address (see the class comment), else — off any request, as on the
     * alerts' thread — the address the server listens on.
     */
    public String base() {
        if (configured != null) {
            return configured;
        }
        HttpServletRequest request = RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes
                attributes ? attributes.getRequest() : null;
        return request == null ? listening() : ofRequest(request);
    }

    /** Says once, at start, where links will point while the variable is unset, and the risk. */
    @EventListener(ApplicationReadyEvent.class)
    public void warnIfUnset() {
        if (configured == null) {
            log.warn("GATEHOUSE_PUBLIC_URL is not set: links in invitation and password-reset mails follow the address"
                    + " each request reached this server at (a Host header is believed only when it names the"
                    + " listening address itself, else that address is used). Reached under a host name or"
                    + " behind a proxy, set GATEHOUSE_PUBLIC_URL (e.g. https://gatehouse.example.org) so mailed"
                    + " links point there.");
        }
    }

    /**
     * @throws IllegalStateException unless {@code text} is an absolute http(s) URL without user,
     *     query or fragment: a server that would mail broken links does not start
     */
    static String validated(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("GATEHOUSE_PUBLIC_URL is not a URL: " + text, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalStateException("GATEHOUSE_PUBLIC_URL must be an absolute http(s) URL such as"
                    + " https://gatehouse.example.org, optionally with a path, and without user, query or fragment: "
                    + text);
        }
        String base = uri.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    /** The request's own address: its host only when it names the socket the request arrived on. */
    static String ofRequest(HttpServletRequest request) {
        String local = request.getLocalAddr();
        String named = request.getServerName();
        String host = namesSocket(named, local) ? bare(named) : local;
        return origin(request.getScheme(), host, request.getLocalPort());
    }

    private String listening() {
        String address = environment.getProperty("server.address", "");
        String host = address.isBlank() || address.equals("0.0.0.0") || address.equals("::") ? "localhost" : address;
        int port = environment.getProperty("local.server.port", Integer.class,
                environment.getProperty("server.port", Integer.class, 8080));
        boolean tls = environment.getProperty("server.ssl.enabled", Boolean.class, false);
        return origin(tls ? "https" : "http", host, port);
    }

    private static boolean namesSocket(@Nullable String named, String local) {
        if (named == null || named.isBlank()) {
            return false;
        }
        String host = bare(named);
        try {
            InetAddress socket = InetAddress.getByName(local);
            if (host.equalsIgnoreCase("localhost")) {
                return socket.isLoopbackAddress();
            }
            // Only literals are compared: resolving a name the client sent would be a lookup it chose.
            boolean literal = host.indexOf(':') >= 0 || isIpv4(host);
            return literal && InetAddress.getByName(host).equals(socket);
        } catch (UnknownHostException notAnAddress) {
            return false;
        }
    }

    private static boolean isIpv4(String host) {
        if (!IPV4.matcher(host).matches()) {
            return false;
        }
        for (String octet : host.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String origin(String scheme, String host, int port) {
        String shown = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        boolean defaultPort = (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + shown + (defaultPort ? "" : ":" + port);
    }
}
