package dev.gatehouse.server.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An external OpenID Connect provider for a test class — NAV's mock-oauth2-server on 127.0.0.1 — started
 * before the class's tests and stopped after them. Register it on a static field
 * ({@code @RegisterExtension static final UpstreamOidcProvider idp = new UpstreamOidcProvider();}). Gatehouse
 * (and chromium) reach it by {@link TestDns#RECEIVER}, the name the tests' operator allows.
 */
public final class UpstreamOidcProvider implements BeforeAllCallback, AfterAllCallback {

    private final boolean interactive;
    private MockOAuth2Server server;

    /** A provider that answers every authorize request at once (the person a test queues, else a default one). */
    public UpstreamOidcProvider() {
        this(false);
    }

    private UpstreamOidcProvider(boolean interactive) {
        this.interactive = interactive;
    }

    /** A provider whose own login page asks who signs in and which claims the ID token carries (a browser's). */
    public static UpstreamOidcProvider interactive() {
        return new UpstreamOidcProvider(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws UnknownHostException {
        server = interactive ? new MockOAuth2Server(new OAuth2Config(true)) : new MockOAuth2Server();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.shutdown();
            server = null;
        }
    }

    /** The running server: to queue the next person ({@code enqueueCallback}) or read its endpoints. */
    public MockOAuth2Server server() {
        if (server == null) {
            throw new IllegalStateException("the provider runs only while its test class does");
        }
        return server;
    }

    public int port() {
        return server().baseUrl().port();
    }

    /** The issuer {@code id} as Gatehouse reaches it: the allowed test name, which resolves to 127.0.0.1. */
    public String issuer(String id) {
        return "http://" + TestDns.RECEIVER + ":" + port() + "/" + id;
    }
}
