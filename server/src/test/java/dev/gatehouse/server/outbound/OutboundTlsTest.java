package dev.gatehouse.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connection is pinned to the checked address, yet TLS still checks the certificate against
 * the host name of the URL: a receiver on 127.0.0.1 with a certificate for hooks.test answers a
 * call to https://hooks.test/ and is refused for https://other.test/, the same address.
 */
class OutboundTlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static HttpsServer receiver;
    private static SSLContext trusting;

    @BeforeAll
    static void start(@org.junit.jupiter.api.io.TempDir Path folder) throws Exception {
        Path keys = folder.resolve("hooks.p12");
        // keytool ships with every JDK; it makes a self-signed certificate for hooks.test only.
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "hooks", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=hooks.test",
                "-ext", "SAN=dns:hooks.test", "-validity", "2", "-keystore", keys.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, PASSWORD);
        SSLContext serving = SSLContext.getInstance("TLS");
        serving.init(keyManagers.getKeyManagers(), null, null);

        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        Certificate certificate = store.getCertificate("hooks");
        anchors.setCertificateEntry("hooks", certificate);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(anchors);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, trustManagers.getTrustManagers(), null);

        receiver = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setHttpsConfigurator(new HttpsConfigurator(serving));
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    @Test
    void theCertificateIsCheckedAgainstTheHostNameNotTheAddressConnectedTo() throws IOException {
        NamedHosts dns = new NamedHosts().answer("hooks.test", "127.0.0.1").answer("other.test", "127.0.0.1");
        int port = receiver.getAddress().getPort();
        try (OutboundHttp http = new OutboundHttp(new OutboundGuard(dns, "hooks.test,other.test"), trusting)) {
            assertThat(http.postJson("https://hooks.test:" + port + "/hook", Map.of(), "{}").status()).isEqualTo(204);

            assertThatThrownBy(() -> http.postJson("https://other.test:" + port + "/hook", Map.of(), "{}"))
                    .isInstanceOf(SSLException.class);
        }
    }
}
