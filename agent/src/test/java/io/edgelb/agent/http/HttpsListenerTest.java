package io.edgelb.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TestCertificates;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.agent.tls.TlsSetupException;
import io.edgelb.model.ClientAuthentication;
import io.edgelb.model.Config;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import io.edgelb.model.PoolProtocol;
import io.edgelb.model.TlsSettings;
import io.edgelb.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TERMINATED_HTTPS end to end: certificates made with openssl, real TLS clients on 127.0.0.1. */
class HttpsListenerTest {
    private final Closer closer = new Closer();
    @TempDir
    Path dir;
    private TestCertificates certs;
    private Path main;
    private HttpMember member;

    @BeforeEach
    void setUp() throws Exception {
        certs = new TestCertificates(dir);
        main = certs.server("main", "default.test", "default.test");
        member = HttpMember.start("a");
        closer.add(member);
    }

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private static Listener https(TlsSettings tls) {
        return Listener.http("web", "127.0.0.1", 0, "web", List.of("X-Forwarded-For", "X-Forwarded-Proto"))
                .withTls(tls);
    }

    private Config config(Listener listener) {
        return TestConfig.create().listener(listener)
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.HTTP))
                .member(Member.of("m0", "web", "127.0.0.1", member.port())).build();
    }

    private RelayHarness proxy(Transport transport, Listener listener) throws Exception {
        RelayHarness harness = new RelayHarness(transport);
        closer.add(harness);
        return harness.apply(config(listener));
    }

    private SSLSocket connect(RelayHarness harness, String sni, String protocol, Path clientPem) throws Exception {
        SSLSocket socket = TestCertificates.connect(harness.port("web"), sni, protocol, clientPem);
        closer.add(socket);
        return socket;
    }

    private static HttpClient.Response get(SSLSocket socket) throws IOException {
        return new HttpClient(socket).get("/").read();
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void anHttpsRequestReachesTheMemberAsHttpsWithTheDefaultCertificate(Transport transport) throws Exception {
        RelayHarness harness = proxy(transport, https(TlsSettings.of(main.toString())));
        SSLSocket socket = connect(harness, null, null, null);
        assertEquals("CN=default.test", TestCertificates.servedCn(socket), "no SNI: the default certificate");
        HttpClient client = new HttpClient(socket);
        for (int i = 0; i < 3; i++) { // keep-alive inside one TLS session
            HttpClient.Response response = client.get("/r" + i).read();
            assertEquals(200, response.status());
            assertEquals("https", response.seen("x-forwarded-proto"));
            assertEquals("127.0.0.1", response.seen("x-forwarded-for"));
        }
        assertEquals(0, harness.listener("web").tlsHandshakeFailures());
    }

    @Test
    void sniChoosesTheCertificateByItsSanNamesWildcardsOneLabelDeep() throws Exception {
        Path wild = certs.server("wild", "wild.test", "*.wild.test");
        Path other = certs.server("other", "other.test", "other.test", "www.other.test");
        RelayHarness harness = proxy(Transport.nio(), https(new TlsSettings(main.toString(),
                List.of(wild.toString(), other.toString()), List.of(), List.of(), List.of(), null,
                ClientAuthentication.NONE, null)));
        assertEquals("CN=wild.test", TestCertificates.servedCn(connect(harness, "a.wild.test", null, null)));
        assertEquals("CN=other.test", TestCertificates.servedCn(connect(harness, "www.other.test", null, null)));
        assertEquals("CN=other.test", TestCertificates.servedCn(connect(harness, "OTHER.test", null, null)));
        assertEquals("CN=default.test", TestCertificates.servedCn(connect(harness, "b.a.wild.test", null, null)),
                "a wildcard covers one label only");
        assertEquals("CN=default.test", TestCertificates.servedCn(connect(harness, "unknown.test", null, null)));
        assertEquals("CN=default.test", TestCertificates.servedCn(connect(harness, null, null, null)));
        SSLSocket socket = connect(harness, "x.wild.test", null, null);
        assertEquals(200, get(socket).status());
    }

    @Test
    void aListenerOfOneVersionRefusesClientsOfTheOther() throws Exception {
        for (String[] pair : new String[][] {{"TLSv1.2", "TLSv1.3"}, {"TLSv1.3", "TLSv1.2"}}) {
            RelayHarness harness = proxy(Transport.nio(), https(new TlsSettings(main.toString(), List.of(),
                    List.of(pair[0]), List.of(), List.of(), null, ClientAuthentication.NONE, null)));
            SSLSocket refused = connect(harness, null, pair[1], null);
            assertThrows(IOException.class, refused::startHandshake, pair[0] + " listener, " + pair[1] + " client");
            Await.until(() -> harness.listener("web").tlsHandshakeFailures() == 1, "the failed handshake counted");
            SSLSocket accepted = connect(harness, null, pair[0], null);
            accepted.startHandshake();
            assertEquals(pair[0], accepted.getSession().getProtocol());
            assertEquals(200, get(accepted).status());
        }
    }

    @Test
    void mandatoryClientAuthenticationNeedsACertificateOfTheCa() throws Exception {
        Path ca = certs.ca("clients");
        Path signed = certs.client("alice", "clients");
        certs.ca("strangers");
        Path stranger = certs.client("mallory", "strangers");
        RelayHarness harness = proxy(Transport.nio(), https(new TlsSettings(main.toString(), List.of(), List.of(),
                List.of(), List.of("http/1.1"), ca.toString(), ClientAuthentication.MANDATORY, null)));
        assertEquals(200, get(connect(harness, null, null, signed)).status());
        for (Path without : new Path[] {null, stranger}) {
            SSLSocket socket = connect(harness, null, null, without);
            // TLS 1.3: the client may finish its side first and learn of the refusal on its first read
            assertThrows(IOException.class, () -> {
                HttpClient.Response response = get(socket);
                if (response == null) {
                    throw new IOException("closed without a response");
                }
            });
        }
        Await.until(() -> harness.listener("web").tlsHandshakeFailures() == 2, "both refusals counted");
    }

    @Test
    void aReloadServesANewCertificateToNewConnectionsAndKeepsOpenOnes() throws Exception {
        Path live = dir.resolve("live.pem");
        Files.copy(main, live);
        Listener listener = https(TlsSettings.of(live.toString()));
        RelayHarness harness = proxy(Transport.nio(), listener);
        SSLSocket open = connect(harness, null, null, null);
        HttpClient kept = new HttpClient(open);
        assertEquals(200, kept.get("/before").read().status());

        Path renewed = certs.server("renewed", "renewed.test", "default.test");
        Files.copy(renewed, live, StandardCopyOption.REPLACE_EXISTING);
        harness.apply(config(listener)); // same settings, same bind: the file is read anew

        assertEquals("CN=renewed.test", TestCertificates.servedCn(connect(harness, null, null, null)));
        assertEquals(200, kept.get("/after").read().status(), "the open keep-alive connection goes on");
        assertEquals("CN=default.test", open.getSession().getPeerCertificates()[0] instanceof
                java.security.cert.X509Certificate c ? c.getSubjectX500Principal().getName() : null);
    }

    @Test
    void aBadFileRefusesTheReloadAndThePreviousListenerKeepsServing() throws Exception {
        Listener good = https(TlsSettings.of(main.toString()));
        RelayHarness harness = proxy(Transport.nio(), good);
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        Path mismatched = dir.resolve("mismatched.pem");
        certs.server("other", "other.test", "other.test");
        Files.writeString(mismatched, Files.readString(certs.cert("main")) + Files.readString(certs.key("other")));
        for (String bad : List.of(dir.resolve("missing.pem").toString(), garbage.toString(), mismatched.toString())) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> harness.apply(config(https(TlsSettings.of(bad)))));
            assertTrue(refused.getCause() instanceof TlsSetupException, String.valueOf(refused.getCause()));
            assertTrue(refused.getCause().getMessage().contains(bad), refused.getCause().getMessage());
            SSLSocket socket = connect(harness, null, null, null);
            assertEquals("CN=default.test", TestCertificates.servedCn(socket));
            assertEquals(200, get(socket).status());
        }
    }
}
