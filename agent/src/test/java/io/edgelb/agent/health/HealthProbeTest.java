package io.edgelb.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.testing.TestHttpServer;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.MonitorType;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every probe type against real loopback servers, on both transports. */
class HealthProbeTest {

    static Stream<Transport> transports() {
        List<Transport> all = new ArrayList<>(List.of(Transport.nio()));
        // On Linux epoll must load (the build machine is glibc); Transport.epoll() fails with the reason.
        if (Epoll.isAvailable() || System.getProperty("os.name").startsWith("Linux")) {
            all.add(Transport.epoll());
        }
        return all.stream();
    }

    // --- TCP ------------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("transports")
    void tcpPassesOnAListeningPort(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.start()) {
            ProbeResult result = probe(transport, monitor(MonitorType.TCP, 1000), server.address());
            assertEquals(ProbeResult.passed("TCP connect ok"), result);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void tcpFailsOnAClosedPortAndSaysRefused(Transport transport) throws Exception {
        ProbeResult result = probe(transport, monitor(MonitorType.TCP, 1000), closedPort());
        assertEquals(ProbeResult.failed("connection refused"), result);
    }

    // --- HTTP -----------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("transports")
    void http200PassesAndSendsAMinimalRequest(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.start()) {
            ProbeResult result = probe(transport, monitor(MonitorType.HTTP, 1000), server.address());

            assertEquals(ProbeResult.passed("HTTP 200"), result);
            TestHttpServer.Request request = server.lastRequest();
            assertEquals("GET", request.method());
            assertEquals("/", request.path());
            assertEquals("HTTP/1.1", request.version());
            assertEquals("127.0.0.1:" + server.port(), request.header("Host"));
            assertEquals("edgelb-health", request.header("User-Agent"));
            assertEquals("close", request.header("Connection"));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void http503Fails(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.start().answer(503)) {
            ProbeResult result = probe(transport, monitor(MonitorType.HTTP, 1000), server.address());
            assertEquals(ProbeResult.failed("HTTP 503 not in 200"), result);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void expectedCodesTakeRangesAndLists(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.start()) {
            server.answer(302);
            assertEquals(ProbeResult.passed("HTTP 302"),
                    probe(transport, http("GET", "/", "200,302", null), server.address()));
            assertEquals(ProbeResult.failed("HTTP 302 not in 200-299"),
                    probe(transport, http("GET", "/", "200-299", null), server.address()));
            server.answer(204);
            assertEquals(ProbeResult.passed("HTTP 204"),
                    probe(transport, http("GET", "/", "200-299", null), server.address()));
            server.answer(404);
            assertEquals(ProbeResult.failed("HTTP 404 not in 200-299,302"),
                    probe(transport, http("GET", "/", "200-299,302", null), server.address()));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void methodPathAndDomainNameReachTheMember(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.start()) {
            ProbeResult result = probe(transport, http("HEAD", "/healthz?full=1", "200", "app.example.test"),
                    server.address());

            assertEquals(ProbeResult.passed("HTTP 200"), result);
            TestHttpServer.Request request = server.lastRequest();
            assertEquals("HEAD", request.method());
            assertEquals("/healthz?full=1", request.path());
            assertEquals("app.example.test", request.header("Host"));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void ipv6HostHeaderIsBracketed(Transport transport) throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        TestHttpServer server;
        try {
            server = TestHttpServer.start(v6, false);
        } catch (IOException e) {
            Assumptions.abort("no ::1 here: " + e.getMessage());
            return;
        }
        try (server) {
            ProbeResult result = probe(transport, monitor(MonitorType.HTTP, 1000), server.address());
            assertEquals(ProbeResult.passed("HTTP 200"), result);
            assertEquals("[::1]:" + server.port(), server.lastRequest().header("Host"));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aStalledMemberFailsWithATimeoutWithinTheTimeout(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.start().stall()) {
            long start = System.nanoTime();
            ProbeResult result = probe(transport, monitor(MonitorType.HTTP, 300), server.address());
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertEquals(ProbeResult.failed("timed out after 300ms waiting for the HTTP status line"), result);
            assertTrue(tookMs >= 300 && tookMs < 300 + 1500, "took " + tookMs + " ms");
            assertEquals(1, server.requestCount(), "the request was sent before the wait");
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void garbageWithoutANewlineFailsAtTheBoundNotAtTheTimeout(Transport transport) throws Exception {
        // The server keeps the connection open after 1 MiB: only the read bound can end this probe early.
        try (TestHttpServer server = TestHttpServer.start().sendGarbage(1 << 20)) {
            ProbeResult result = probe(transport, monitor(MonitorType.HTTP, 5000), server.address());
            assertEquals(ProbeResult.failed("no HTTP status line in the first 8192 bytes"), result);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aMemberThatClosesAtOnceFails(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.start().closeAtOnce()) {
            ProbeResult result = probe(transport, monitor(MonitorType.HTTP, 2000), server.address());
            assertFalse(result.ok());
            assertTrue(result.detail().matches("(connection closed by the member|connection reset by peer)"
                    + " waiting for the HTTP status line"), result.detail());
        }
    }

    // --- HTTPS and TLS-HELLO --------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("transports")
    void httpsPassesAgainstASelfSignedMemberAndSendsSni(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.startTls()) {
            // A name without a dot: the JDK would not derive SNI from it on its own.
            ProbeResult result = probe(transport, https("backend"), server.address());

            assertEquals(ProbeResult.passed("HTTP 200"), result);
            TestHttpServer.Request request = server.lastRequest();
            assertEquals("backend", request.serverName());
            assertEquals("backend", request.header("Host"));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void httpsWithoutDomainNameSendsNoSniAndTheAddressAsHost(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.startTls().answer(503)) {
            ProbeResult result = probe(transport, https(null), server.address());

            assertEquals(ProbeResult.failed("HTTP 503 not in 200"), result);
            assertNull(server.lastRequest().serverName());
            assertEquals("127.0.0.1:" + server.port(), server.lastRequest().header("Host"));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void httpsAgainstAPlainMemberFails(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.start()) {
            ProbeResult result = probe(transport, https(null), server.address());
            assertEquals(ProbeResult.failed("TLS handshake failed: the member does not speak TLS"), result);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void tlsHelloPassesWhenTheHandshakeCompletes(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.startTls()) {
            ProbeResult result = probe(transport, monitor(MonitorType.TLS_HELLO, 2000), server.address());
            assertTrue(result.ok(), result.toString());
            assertTrue(result.detail().startsWith("TLS handshake ok (TLSv1."), result.detail());
            assertEquals(0, server.requestCount(), "a TLS-HELLO check sends no request");
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void tlsHelloAgainstAPlainTcpMemberFails(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.start()) {
            ProbeResult result = probe(transport, monitor(MonitorType.TLS_HELLO, 2000), server.address());
            assertEquals(ProbeResult.failed("TLS handshake failed: the member does not speak TLS"), result);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void tlsHelloAgainstAMemberThatClosesFails(Transport transport) throws Exception {
        try (TestHttpServer server = TestHttpServer.startTls().closeAtOnce()) {
            ProbeResult result = probe(transport, monitor(MonitorType.TLS_HELLO, 2000), server.address());
            assertFalse(result.ok());
            assertTrue(result.detail().startsWith("TLS handshake failed: ") || result.detail().matches(
                    "(connection closed by the member|connection reset by peer) in the TLS handshake"),
                    result.detail());
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void tlsHelloAgainstAStalledMemberTimesOutInTheHandshake(Transport transport) throws Exception {
        // A plain server that accepted but stalls before reading looks like a TLS member that never answers.
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            ProbeResult result = probe(transport, monitor(MonitorType.TLS_HELLO, 200),
                    new InetSocketAddress(silent.getInetAddress(), silent.getLocalPort()));
            assertEquals(ProbeResult.failed("timed out after 200ms in the TLS handshake"), result);
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    static ProbeResult probe(Transport transport, HealthMonitor monitor, InetSocketAddress target) throws Exception {
        EventLoopGroup group = transport.newGroup(1, "probe-test-" + transport);
        try {
            Future<ProbeResult> result = new HealthProber(transport).probe(monitor, target, group.next());
            return result.get(monitor.timeoutMs() + 5000, TimeUnit.MILLISECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static HealthMonitor monitor(MonitorType type, long timeoutMs) {
        return HealthMonitor.of("hm", type, Math.max(timeoutMs, 1000), timeoutMs, 1, 1);
    }

    static HealthMonitor http(String method, String path, String codes, String domainName) {
        return new HealthMonitor("hm", MonitorType.HTTP, 1000, 1000, 1, 1, method, path, codes, domainName, true);
    }

    static HealthMonitor https(String domainName) {
        return new HealthMonitor("hm", MonitorType.HTTPS, 2000, 2000, 1, 1, "GET", "/", "200", domainName, true);
    }

    /** A loopback port that was just free: connecting to it is refused. */
    static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
        }
    }
}
